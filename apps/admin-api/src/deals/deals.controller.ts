import { randomUUID } from 'node:crypto';
import { Body, Controller, Patch, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { WriteContext, type CommandContext } from '../shared/command-context.js';
import { CreateEndpoint, EditEndpoint, EditorialGateway, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { EditorialResource } from '../shared/editorial-resource.js';
import { AddDealPartyDto, AddWorkToDealDto, AnnounceDealDto, ChangeDealStatusDto, UpdateDealDetailsDto } from './dto/deal-requests.dto.js';

type Response = { header(name: string, value: string): unknown };

/** Deals: remake rights, co-productions, distribution and localization deals — parties, works, territories. */
@ApiTags('deals')
@Controller('deals')
export class DealsController extends EditorialResource('deal', 'dealId', 'Deal') {
  constructor(gateway: EditorialGateway) {
    super(gateway);
  }

  @Post()
  @CreateEndpoint('Announce a deal with its parties, works and territories', 'deal')
  announce(@Body() body: AnnounceDealDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.gateway.send('deal', 'AnnounceDeal', { ...body, dealId: body.dealId ?? randomUUID() }, context, response, { created: true });
  }

  @Patch(':dealId')
  @EditEndpoint('Update details with new information (scope extended, terms disclosed)')
  @UuidPath('dealId')
  update(@UuidParam('dealId') id: string, @Body() body: UpdateDealDetailsDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('UpdateDealDetails', id, body, context, response);
  }

  @Post(':dealId/parties')
  @EditEndpoint('Add a party to the deal', { adds: ['party'] })
  @UuidPath('dealId')
  addParty(@UuidParam('dealId') id: string, @Body() body: AddDealPartyDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddDealParty', id, body, context, response);
  }

  @Post(':dealId/works')
  @EditEndpoint('Add a work the deal covers (e.g. each new local version of a franchise); a deal work\'s fact id is the work\'s id', { adds: ['work'] })
  @UuidPath('dealId')
  addWork(@UuidParam('dealId') id: string, @Body() body: AddWorkToDealDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddWorkToDeal', id, body, context, response);
  }

  @Post(':dealId/status-changes')
  @EditEndpoint('Close, terminate or expire the deal; an illegal transition is a 422 listing the allowed ones', { adds: ['status-change'] })
  @UuidPath('dealId')
  changeStatus(@UuidParam('dealId') id: string, @Body() body: ChangeDealStatusDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('ChangeDealStatus', id, body, context, response);
  }
}
