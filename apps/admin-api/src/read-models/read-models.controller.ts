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
import { ReadEndpoint, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { ListProjectsQuery } from './list-projects.query.js';

type Response = { setHeader(name: string, value: string): void };

const OCCURRED_BEFORE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/**
 * The Kafka-fed read models: what editors and readers ask. Every answer carries `freshness` (the last global position
 * the read models reflect, also in the X-Reelwire-Position header), since they trail the log by the pipeline's lag.
 */
@ApiTags('read models')
@Controller()
export class ReadModelsController {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  @Get('projects')
  @ReadEndpoint('List projects by status, country, company, person, kind or title text, with cursor pagination')
  async list(@Query() query: ListProjectsQuery, @Res({ passthrough: true }) response: Response) {
    try {
      const page = await listProjects(this.pool, { status: query.status, country: query.country, companyId: query.companyId, personId: query.personId, kind: query.kind, text: query.q, limit: query.limit, cursor: query.cursor });
      return this.fresh(page, response);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw validationProblem([{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }]);
      throw error;
    }
  }

  @Get('projects/:workId')
  @ReadEndpoint("A project's status card: titles, status since when, companies and people by role, latest milestone, development duration")
  @UuidPath('workId')
  async status(@UuidParam('workId') workId: string, @Res({ passthrough: true }) response: Response) {
    return this.fresh(found(await getProjectStatus(this.pool, workId), 'project', workId), response);
  }

  @Get('projects/:workId/timeline')
  @ReadEndpoint('The development timeline: dated milestones, status changes, attachments, deals and releases in world-time order, with precision and corrections')
  @UuidPath('workId')
  @ApiQuery({ name: 'occurredBefore', required: false, example: '2021', description: "World time: only what happened before this date ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD')" })
  async timeline(@UuidParam('workId') workId: string, @Query('occurredBefore') occurredBefore: string | undefined, @Res({ passthrough: true }) response: Response) {
    if (occurredBefore !== undefined && !OCCURRED_BEFORE.test(occurredBefore)) {
      throw validationProblem([{ field: 'occurredBefore', message: "occurredBefore must be 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'" }]);
    }
    return this.fresh(found(await getTimeline(this.pool, workId, { occurredBefore }), 'project', workId), response);
  }

  @Get('projects/:workId/remake-map')
  @ReadEndpoint('The original of this work and all its remakes and localized versions, by country and year')
  @UuidPath('workId')
  async remakeMap(@UuidParam('workId') workId: string, @Res({ passthrough: true }) response: Response) {
    return this.fresh(found(await getRemakeMap(this.pool, workId), 'project', workId), response);
  }

  @Get('companies/:organizationId/portfolio')
  @ReadEndpoint("A company's works and deals with its roles")
  @UuidPath('organizationId')
  async portfolio(@UuidParam('organizationId') organizationId: string, @Res({ passthrough: true }) response: Response) {
    return this.fresh(found(await getCompanyPortfolio(this.pool, organizationId), 'company', organizationId), response);
  }

  @Get('people/:personId/attachments')
  @ReadEndpoint('What a person is attached to, including detachments')
  @UuidPath('personId')
  async attachments(@UuidParam('personId') personId: string, @Res({ passthrough: true }) response: Response) {
    return this.fresh(found(await getPersonAttachments(this.pool, personId), 'person', personId), response);
  }

  private async fresh<T extends object>(body: T, response: Response): Promise<T & { freshness: Freshness }> {
    const freshness = await getFreshness(this.pool);
    response.setHeader('X-Reelwire-Position', freshness.globalPosition ?? '0');
    return { ...body, freshness };
  }
}

function found<T>(value: T | null, what: string, id: string): T {
  if (value === null) {
    throw new ProblemException({
      type: ProblemType.notFound,
      title: 'Not found',
      status: 404,
      detail: `No ${what} ${id} in the read models (yet: they trail the event log by the pipeline's lag)`,
    });
  }
  return value;
}
