import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import pg from 'pg';
import {
  getCompanyPortfolio,
  getFreshness,
  getPersonAttachments,
  getProjectStatus,
  getRemakeMap,
  getTimeline,
  InvalidCursorError,
  listProjects,
  type Freshness,
} from '../../../../libs/read-models/src/index.js';
import { PG_POOL } from '../database/database.module.js';
import { ProblemException, ProblemType, validationProblem } from '../problem-details/problem-details.js';
import { AsOf, AsOfQuery, ReadEndpoint, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { AsOfReadModels } from './as-of-read-models.js';
import { ListProjectsQuery } from './list-projects.query.js';

type Db = Pick<pg.Pool, 'query'>;
type QueryOptions = { schema?: string };

type Response = { header(name: string, value: string): unknown };

const OCCURRED_BEFORE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/**
 * The Kafka-fed read models: what editors and readers ask. Every answer carries `freshness` (the last global position
 * the read models reflect, also in the X-Reelwire-Position header), since they trail the log by the pipeline's lag.
 */
@ApiTags('read models')
@Controller()
export class ReadModelsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly asOfReadModels: AsOfReadModels,
  ) {}

  @Get('projects')
  @ReadEndpoint('List projects by status, country, company, person, kind or title text, with cursor pagination')
  @AsOfQuery()
  async list(@Query() query: ListProjectsQuery, @AsOf() asOf: Date | undefined, @Res({ passthrough: true }) response: Response) {
    try {
      const filter = { status: query.status, country: query.country, companyId: query.companyId, personId: query.personId, kind: query.kind, text: query.q, limit: query.limit, cursor: query.cursor };
      return await this.answer(asOf, response, (db, options) => listProjects(db, filter, options));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw validationProblem([{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }]);
      throw error;
    }
  }

  @Get('projects/:workId')
  @ReadEndpoint("A project's status card: titles, status since when, companies and people by role, latest milestone, development duration")
  @UuidPath('workId')
  @AsOfQuery()
  status(@UuidParam('workId') workId: string, @AsOf() asOf: Date | undefined, @Res({ passthrough: true }) response: Response) {
    return this.answer(asOf, response, async (db, options) => found(await getProjectStatus(db, workId, options), 'project', workId, asOf));
  }

  @Get('projects/:workId/timeline')
  @ReadEndpoint('The development timeline: dated milestones, status changes, attachments, deals and releases in world-time order, with precision and corrections')
  @UuidPath('workId')
  @ApiQuery({ name: 'occurredBefore', required: false, example: '2021', description: "World time: only what happened before this date ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD')" })
  @AsOfQuery()
  async timeline(
    @UuidParam('workId') workId: string,
    @Query('occurredBefore') occurredBefore: string | undefined,
    @AsOf() asOf: Date | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (occurredBefore !== undefined && !OCCURRED_BEFORE.test(occurredBefore)) {
      throw validationProblem([{ field: 'occurredBefore', message: "occurredBefore must be 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'" }]);
    }
    return this.answer(asOf, response, async (db, options) => found(await getTimeline(db, workId, { ...options, occurredBefore }), 'project', workId, asOf));
  }

  @Get('projects/:workId/remake-map')
  @ReadEndpoint('The original of this work and all its remakes and localized versions, by country and year')
  @UuidPath('workId')
  @AsOfQuery()
  remakeMap(@UuidParam('workId') workId: string, @AsOf() asOf: Date | undefined, @Res({ passthrough: true }) response: Response) {
    return this.answer(asOf, response, async (db, options) => found(await getRemakeMap(db, workId, options), 'project', workId, asOf));
  }

  @Get('companies/:organizationId/portfolio')
  @ReadEndpoint("A company's works and deals with its roles")
  @UuidPath('organizationId')
  @AsOfQuery()
  portfolio(@UuidParam('organizationId') organizationId: string, @AsOf() asOf: Date | undefined, @Res({ passthrough: true }) response: Response) {
    return this.answer(asOf, response, async (db, options) => found(await getCompanyPortfolio(db, organizationId, options), 'company', organizationId, asOf));
  }

  @Get('people/:personId/attachments')
  @ReadEndpoint('What a person is attached to, including detachments')
  @UuidPath('personId')
  @AsOfQuery()
  attachments(@UuidParam('personId') personId: string, @AsOf() asOf: Date | undefined, @Res({ passthrough: true }) response: Response) {
    return this.answer(asOf, response, async (db, options) => found(await getPersonAttachments(db, personId, options), 'person', personId, asOf));
  }

  /**
   * Runs a read-model query on the live tables, or — with asOf — on the models as they stood at that recordedAt,
   * and says which log position the answer reflects.
   */
  private async answer<T extends object>(asOf: Date | undefined, response: Response, query: (db: Db, options: QueryOptions) => Promise<T>): Promise<T & { freshness: Freshness; asOf?: string }> {
    const run = async (db: Db, options: QueryOptions) => {
      const body = await query(db, options);
      return { body, freshness: await getFreshness(db, options) };
    };
    const { body, freshness } = asOf ? await this.asOfReadModels.query(asOf, run) : await run(this.pool, {});
    response.header('X-Reelwire-Position', freshness.globalPosition ?? '0');
    return { ...body, freshness, ...(asOf ? { asOf: asOf.toISOString() } : {}) };
  }
}

function found<T>(value: T | null, what: string, id: string, asOf?: Date): T {
  if (value === null) {
    throw new ProblemException({
      type: ProblemType.notFound,
      title: 'Not found',
      status: 404,
      detail: asOf
        ? `No ${what} ${id} was recorded as of ${asOf.toISOString()}`
        : `No ${what} ${id} in the read models (yet: they trail the event log by the pipeline's lag)`,
    });
  }
  return value;
}
