import { randomUUID } from 'node:crypto';
import { Body, Controller, Patch, Post, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { WriteContext, type CommandContext } from '../shared/command-context.js';
import { SetPrimaryNameDto } from '../shared/dto/set-primary-name.dto.js';
import { AdminEditEndpoint, CreateEndpoint, EditEndpoint, EditorialGateway, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { MergeableEditorialResource } from '../shared/editorial-resource.js';
import { AddPersonNameDto, PersonDataErasureDto, RegisterPersonDto, UpdatePersonDetailsDto } from './dto/person-requests.dto.js';

type Response = { header(name: string, value: string): unknown };

/** Talent: directors, writers, cast, producers — names in every script, family name order kept. */
@ApiTags('people')
@Controller('people')
export class PeopleController extends MergeableEditorialResource('person', 'personId', 'Person') {
  constructor(gateway: EditorialGateway) {
    super(gateway);
  }

  @Post()
  @CreateEndpoint('Register a person with their names and nationalities', 'person')
  @ApiResponse({
    status: 409,
    description:
      'A name closely matches a record already registered: problem+json /problems/possible-duplicate with `candidates` (id, name, matchedName, similarity); send again with `distinctFrom` listing the candidates that are a different entity. Also: the id already exists (/problems/already-exists)',
  })
  register(@Body() body: RegisterPersonDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.gateway.send('person', 'RegisterPerson', { ...body, personId: body.personId ?? randomUUID() }, context, response, { created: true });
  }

  @Patch(':personId')
  @EditEndpoint('Update details with new information (use corrections to fix wrong ones)')
  @UuidPath('personId')
  update(@UuidParam('personId') id: string, @Body() body: UpdatePersonDetailsDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('UpdatePersonDetails', id, body, context, response);
  }

  @Post(':personId/names')
  @EditEndpoint('Add a name (another script, a stage name)', { adds: ['name'] })
  @UuidPath('personId')
  addName(@UuidParam('personId') id: string, @Body() body: AddPersonNameDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddPersonName', id, body, context, response);
  }

  @Post(':personId/primary-name')
  @EditEndpoint('Make one of the names the primary one; the one that was primary stays as another name and is named in the answer (demoted)')
  @UuidPath('personId')
  setPrimaryName(@UuidParam('personId') id: string, @Body() body: SetPrimaryNameDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('SetPrimaryPersonName', id, body, context, response);
  }

  @Post(':personId/erasure')
  @AdminEditEndpoint(
    "Erase the person's personal data at their request (admins only): the person's data keys are destroyed, then PersonDataErased is recorded. " +
      'What was sealed stays in the log (the hash chain, replays and exports are unchanged) but no one can read it any more; names and public facts stay.',
  )
  @UuidPath('personId')
  erase(@UuidParam('personId') id: string, @Body() body: PersonDataErasureDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.gateway.erasePersonData(id, body, context, response);
  }
}
