import { randomUUID } from 'node:crypto';
import { Body, Controller, Patch, Post, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { WriteContext, type CommandContext } from '../shared/command-context.js';
import { SetPrimaryNameDto } from '../shared/dto/set-primary-name.dto.js';
import { CreateEndpoint, EditEndpoint, EditorialGateway, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { MergeableEditorialResource } from '../shared/editorial-resource.js';
import { AddOrganizationNameDto, ChangeParentOrganizationDto, RegisterOrganizationDto, UpdateOrganizationDetailsDto } from './dto/organization-requests.dto.js';

type Response = { header(name: string, value: string): unknown };

/** Companies: studios, producers, distributors, sales agents — with their names in every language and their parents. */
@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController extends MergeableEditorialResource('organization', 'organizationId', 'Organization') {
  constructor(gateway: EditorialGateway) {
    super(gateway);
  }

  @Post()
  @CreateEndpoint('Register a company with its kind, country and names', 'organization')
  @ApiResponse({
    status: 409,
    description:
      'A name closely matches a record already registered: problem+json /problems/possible-duplicate with `candidates` (id, name, matchedName, similarity); send again with `distinctFrom` listing the candidates that are a different entity. Also: the id already exists (/problems/already-exists)',
  })
  register(@Body() body: RegisterOrganizationDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    const organizationId = body.organizationId ?? randomUUID();
    return this.gateway.send('organization', 'RegisterOrganization', { ...body, organizationId }, context, response, { created: true });
  }

  @Patch(':organizationId')
  @EditEndpoint('Update details with new information (use corrections to fix wrong ones)')
  @UuidPath('organizationId')
  update(@UuidParam('organizationId') id: string, @Body() body: UpdateOrganizationDetailsDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('UpdateOrganizationDetails', id, body, context, response);
  }

  @Post(':organizationId/parent')
  @EditEndpoint('Set or clear the parent company')
  @UuidPath('organizationId')
  changeParent(@UuidParam('organizationId') id: string, @Body() body: ChangeParentOrganizationDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('ChangeParentOrganization', id, body, context, response);
  }

  @Post(':organizationId/names')
  @EditEndpoint('Add a name (another language, a former name)', { adds: ['name'] })
  @UuidPath('organizationId')
  addName(@UuidParam('organizationId') id: string, @Body() body: AddOrganizationNameDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddOrganizationName', id, body, context, response);
  }

  @Post(':organizationId/primary-name')
  @EditEndpoint('Make one of the names the primary one; the one that was primary stays as another name and is named in the answer (demoted)')
  @UuidPath('organizationId')
  setPrimaryName(@UuidParam('organizationId') id: string, @Body() body: SetPrimaryNameDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('SetPrimaryOrganizationName', id, body, context, response);
  }
}
