import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  mergedInto,
  searchOrganizations,
  searchPeople,
  type Freshness,
  type MergeableKind,
  type QueryOptions,
} from '../../../../libs/read-models/src/index.js';
import { PG_POOL } from '../database/database.module.js';
import { ProblemException, ProblemType, validationProblem } from '../problem-details/problem-details.js';
import { mergedRedirect, ReadEndpoint, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { isPartialDateText } from '../shared/strict-dates.js';
import { ListProjectsQuery } from './list-projects.query.js';
import { NameSearchQuery } from './name-search.query.js';
import { LogPositions } from './log-positions.js';
import { ViewAt, ViewAtQuery, type ViewRequest } from './view-at.js';

type Db = Pick<pg.Pool, 'query' | 'connect'>;

type Response = { header(name: string, value: string): unknown };

/**
 * The Kafka-fed read models: what editors and readers ask. Every answer carries `freshness` (the last global position
 * the read models reflect, also in the X-Reelwire-Position header), since they trail the log by the pipeline's lag.
 */
@ApiTags('read models')
@Controller()
export class ReadModelsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly positions: LogPositions,
  ) {}

  @Get('projects')
  @ReadEndpoint('List projects by status, country (of origin, release, deal or credit; territory groups expanded), company, person, kind, standing or title text (q: ranked, accent- and typo-tolerant), with cursor pagination')
  @ViewAtQuery()
  list(@Query() query: ListProjectsQuery, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    const filter = { status: query.status, country: query.country, countryOf: query.countryOf, companyId: query.companyId, personId: query.personId, kind: query.kind, standing: query.standing, text: query.q || undefined, limit: query.limit, cursor: query.cursor };
    return withCursor(() => this.answer(view, response, (db, options) => listProjects(db, filter, options)));
  }

  @Get('people')
  @ReadEndpoint('Find people by any current name in any script (accent-, case- and typo-tolerant), ranked, with cursor pagination')
  @ViewAtQuery()
  people(@Query() query: NameSearchQuery, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    const filter = { q: query.q || undefined, limit: query.limit, cursor: query.cursor };
    return withCursor(() => this.answer(view, response, (db, options) => searchPeople(db, filter, options)));
  }

  @Get('organizations')
  @ReadEndpoint('Find organizations by any current name in any script (accent-, case- and typo-tolerant), ranked, with cursor pagination')
  @ViewAtQuery()
  organizations(@Query() query: NameSearchQuery, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    const filter = { q: query.q || undefined, limit: query.limit, cursor: query.cursor };
    return withCursor(() => this.answer(view, response, (db, options) => searchOrganizations(db, filter, options)));
  }

  @Get('projects/:workId')
  @ReadEndpoint("A project's status card: titles, status since when, companies and people by role, latest milestone, development duration")
  @UuidPath('workId')
  @ViewAtQuery()
  status(@UuidParam('workId') workId: string, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    return this.answer(view, response, async (db, options) => {
      await redirectIfMerged(db, 'work', workId, options, view, (survivorId) => `/projects/${survivorId}`);
      return found(await getProjectStatus(db, workId, options), 'project', workId, view);
    });
  }

  @Get('projects/:workId/timeline')
  @ReadEndpoint('The development timeline: dated milestones, status changes, attachments, deals and releases in world-time order, with precision and corrections; every entry with its cited source')
  @UuidPath('workId')
  @ApiQuery({ name: 'occurredBefore', required: false, example: '2021', description: "World time: only what happened before this date ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD')" })
  @ViewAtQuery()
  async timeline(
    @UuidParam('workId') workId: string,
    @Query('occurredBefore') occurredBefore: string | undefined,
    @ViewAt() view: ViewRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (occurredBefore !== undefined && !isPartialDateText(occurredBefore)) {
      throw validationProblem([{ field: 'occurredBefore', message: "occurredBefore must be a date that exists: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'" }]);
    }
    return this.answer(view, response, async (db, options) => {
      const kept: Record<string, string> = occurredBefore !== undefined ? { occurredBefore } : {};
      await redirectIfMerged(db, 'work', workId, options, view, (survivorId) => `/projects/${survivorId}/timeline`, kept);
      return found(await getTimeline(db, workId, { ...options, occurredBefore }), 'project', workId, view);
    });
  }

  @Get('projects/:workId/remake-map')
  @ReadEndpoint("The original of this work and all its remakes and localized versions, by country and year, each with its standing and its relation's (relationStanding)")
  @UuidPath('workId')
  @ViewAtQuery()
  remakeMap(@UuidParam('workId') workId: string, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    return this.answer(view, response, async (db, options) => {
      await redirectIfMerged(db, 'work', workId, options, view, (survivorId) => `/projects/${survivorId}/remake-map`);
      return found(await getRemakeMap(db, workId, options), 'project', workId, view);
    });
  }

  @Get('companies/:organizationId/portfolio')
  @ApiResponse({ status: 307, description: "Merged into another record as of the view: Location is the survivor's same read (the view kept); credits or attachments of its duplicates are shown with mergedFrom" })
  @ReadEndpoint("A company's works and deals with its roles, each with its standing (a deal also with the whole deal's, dealStanding); denied ones listed apart")
  @UuidPath('organizationId')
  @ViewAtQuery()
  portfolio(@UuidParam('organizationId') organizationId: string, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    return this.answer(view, response, async (db, options) => {
      await redirectIfMerged(db, 'organization', organizationId, options, view, (survivorId) => `/companies/${survivorId}/portfolio`);
      return found(await getCompanyPortfolio(db, organizationId, options), 'company', organizationId, view);
    });
  }

  @Get('people/:personId/attachments')
  @ApiResponse({ status: 307, description: "Merged into another record as of the view: Location is the survivor's same read (the view kept); credits or attachments of its duplicates are shown with mergedFrom" })
  @ReadEndpoint('What a person is attached to, including detachments, each with its standing (a denied one is not current)')
  @UuidPath('personId')
  @ViewAtQuery()
  attachments(@UuidParam('personId') personId: string, @ViewAt() view: ViewRequest, @Res({ passthrough: true }) response: Response) {
    return this.answer(view, response, async (db, options) => {
      await redirectIfMerged(db, 'person', personId, options, view, (survivorId) => `/people/${survivorId}/attachments`);
      return found(await getPersonAttachments(db, personId, options), 'person', personId, view);
    });
  }

  /**
   * Runs a read-model query on the current rows, or — with asOf / asOfPosition — on the row versions true at that log
   * position (the same tables, by their indexes), and says which log position the answer reflects.
   */
  private async answer<T extends object>(view: ViewRequest, response: Response, query: (db: Db, options: QueryOptions) => Promise<T>): Promise<T & { freshness: Freshness; asOf?: string; asOfPosition?: string }> {
    const at = view.asOfPosition ?? (view.asOf ? await this.positions.positionAt(view.asOf) : undefined);
    const options: QueryOptions = at === undefined ? {} : { at };
    const [body, live] = await Promise.all([query(this.pool, options), getFreshness(this.pool, options)]);
    let freshness = live;
    if (at !== undefined && live.globalPosition !== null) {
      // As of a position, the answer stands at the last event at or before it (as far as the projector has got).
      const event = await this.positions.eventAtOrBefore(Number(live.globalPosition));
      freshness = { ...live, globalPosition: event?.globalPosition ?? '0', recordedAt: event?.recordedAt ?? null };
    }
    response.header('X-Reelwire-Position', freshness.globalPosition ?? '0');
    return { ...body, freshness, ...(view.asOf ? { asOf: view.asOf.toISOString() } : {}), ...(at !== undefined ? { asOfPosition: String(at) } : {}) };
  }
}

/**
 * A person, company or work merged into another as of the view is read as its survivor: 307 to the survivor's same read,
 * with the same view (see mergedRedirect). As of before the merge, or after it was undone, it answers for itself.
 */
async function redirectIfMerged(db: Db, kind: MergeableKind, id: string, options: QueryOptions, view: ViewRequest, pathOf: (survivorId: string) => string, kept: Record<string, string> = {}): Promise<void> {
  const survivorId = await mergedInto(db, kind, id, options);
  if (!survivorId) return;
  const query: Record<string, string> = { ...kept, ...(view.asOf ? { asOf: view.asOf.toISOString() } : view.asOfPosition !== undefined ? { asOfPosition: String(view.asOfPosition) } : {}) };
  throw mergedRedirect(kind, id, survivorId, pathOf(survivorId), query);
}

/** A cursor that is not a previous page's (or was made for another q) is a 400 naming it. */
async function withCursor<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw validationProblem([{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page with the same q' }]);
    throw error;
  }
}

function found<T>(value: T | null, what: string, id: string, view: ViewRequest): T {
  if (value === null) {
    const asOf = view.asOf ? view.asOf.toISOString() : view.asOfPosition !== undefined ? `log position ${view.asOfPosition}` : undefined;
    throw new ProblemException({
      type: ProblemType.notFound,
      title: 'Not found',
      status: 404,
      detail: asOf
        ? `No ${what} ${id} was recorded as of ${asOf}`
        : `No ${what} ${id} in the read models (yet: they trail the event log by the pipeline's lag)`,
    });
  }
  return value;
}
