import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { buildAsyncApiDocument, eventContracts, getEventContract } from '../../../../libs/contracts/src/index.js';
import { Public } from '../auth/roles.decorator.js';
import { ProblemException, ProblemType } from '../problem-details/problem-details.js';

/** The published event contract for downstream teams: no key needed, it describes no data. */
@ApiTags('contracts')
@Controller('contracts')
export class ContractsController {
  private readonly asyncApi = buildAsyncApiDocument();

  @Get('asyncapi.json')
  @Public()
  @ApiOperation({ summary: 'AsyncAPI 3.0 document: Kafka topics, keys, headers and every event schema' })
  asyncapi() {
    return this.asyncApi;
  }

  @Get('events')
  @Public()
  @ApiOperation({ summary: 'Every event type and schema version, with its topic' })
  list() {
    return eventContracts.map(({ type, schemaVersion, aggregate, topic }) => ({ type, schemaVersion, aggregate, topic, schema: `/contracts/events/${type}/${schemaVersion}` }));
  }

  @Get('events/:type/:version')
  @Public()
  @ApiOperation({ summary: 'JSON Schema (2020-12) of one event type at one schema version' })
  @ApiParam({ name: 'type', example: 'WorkRegistered', description: 'An event type, as GET /contracts/events lists them' })
  @ApiParam({ name: 'version', example: 1, description: 'Its schema version' })
  schema(@Param('type') type: string, @Param('version', ParseIntPipe) version: number) {
    const contract = getEventContract(type, version);
    if (!contract) throw new ProblemException({ type: ProblemType.notFound, title: 'Not found', status: 404, detail: `No event contract ${type} v${version}` });
    return contract.schema;
  }
}
