import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { streamIdFor } from '../../../contracts/src/streams.js';
import { ProjectionEngine, type RowLoadRequest } from '../engine/engine.js';
import { MemoryProjectionStore } from '../engine/memory-store.js';
import type { EventHandler, HandlersFor, ProjectedEvent, Projection, Row, StreamRows } from '../engine/projection.js';
import { givenEvents, type ProjectionSpec } from '../engine/testing/projection-spec.js';
import { canonicalRows, expectedRows } from '../testing/expected-rows.js';
import { cutAt, randomLog } from '../testing/random-log.js';
import { buildScenario, IDS, publishScenario, uuid } from '../testing/scenario.js';
import {
  companiesInOrder,
  notesInOrder,
  peopleInOrder,
  PROJECT_STATUS_HIDDEN_COLUMNS,
  PROJECT_STATUS_TABLES,
  projectStatusProjection,
} from './project-status.handlers.js';

// ---- the old card, gathered from the new tables ---------------------------------------------------------------------

const TABLES = PROJECT_STATUS_TABLES.map((t) => t.name);
const unique = (values: readonly string[]) => [...new Set(values)];

/** The tables recombined into the old card shape (one row per work with its companies, people and notes). */
function oldCards(store: MemoryProjectionStore, position?: number): Row[] {
  const childrenOf = (table: string, stream: string) => store.rowsAt(table, position).filter((r) => r.stream === stream).map((r) => r.row);
  const cards = store.rowsAt('project_status', position);
  const streams = new Set(cards.map((c) => c.stream));
  for (const table of ['project_companies', 'project_people', 'project_notes']) {
    for (const r of store.rowsAt(table, position)) if (!streams.has(r.stream)) throw new Error(`${table} row ${r.key} of ${r.stream}, which has no card`);
  }
  return cards.map(({ stream, row }) => {
    const visible = Object.fromEntries(Object.entries(row).filter(([column]) => !(PROJECT_STATUS_HIDDEN_COLUMNS as readonly string[]).includes(column)));
    const companies = companiesInOrder(childrenOf('project_companies', stream));
    const people = peopleInOrder(childrenOf('project_people', stream));
    return {
      ...visible,
      owner_stream: stream,
      companies,
      company_ids: unique(companies.map((c) => c.organizationId)),
      people,
      person_ids: unique(people.map((p) => p.personId)),
      notes: notesInOrder(childrenOf('project_notes', stream)),
    };
  });
}

/** The fold-based reference: projectStatusRows of every work's folded state, without stream_version. */
function referenceCards(events: readonly PublishedEvent[]): Row[] {
  return expectedRows(events).project_status.map(({ stream_version: _version, ...row }) => row);
}

function expectReference(store: MemoryProjectionStore, events: readonly PublishedEvent[], position?: number): void {
  expect(store.deadLetters.map((d) => d.error)).toEqual([]);
  expect(canonicalRows(oldCards(store, position))).toEqual(canonicalRows(referenceCards(position === undefined ? events : cutAt(events, position))));
}

// ---- a log of work events, written by hand -----------------------------------------------------------------------

const y = (date: string) => ({ date, precision: 'year' as const });
const m = (date: string) => ({ date, precision: 'month' as const });
const d = (date: string) => ({ date, precision: 'day' as const });

class Log {
  readonly events: PublishedEvent[] = [];
  private readonly versions = new Map<string, number>();

  constructor(private readonly firstPosition = 1) {}

  /** The global position of the last event. */
  get position(): number {
    return this.firstPosition + this.events.length - 1;
  }

  work(workId: string, type: string, data: Record<string, unknown>): PublishedEvent {
    const streamId = streamIdFor('work', workId);
    const version = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, version);
    const position = this.firstPosition + this.events.length;
    const recordedAt = new Date(Date.UTC(2025, 5, 1) + position * 1000).toISOString();
    const note = typeof data.note === 'string' ? data.note : undefined;
    const event: PublishedEvent = {
      eventId: uuid(500_000 + position),
      type,
      schemaVersion: 1,
      streamId,
      streamType: 'work',
      streamVersion: version,
      globalPosition: String(position),
      recordedAt,
      data: { workId, ...data },
      metadata: {
        eventId: uuid(500_000 + position),
        actor: { id: 'desk', role: 'editor' },
        correlationId: 'corr',
        causationId: 'cmd',
        source: { publisher: 'Variety' },
        recordedAt,
        schemaVersion: 1,
        ...(note ? { note } : {}),
      },
    } as PublishedEvent;
    this.events.push(event);
    return event;
  }
}

const W = IDS.REMAKE;
const OTHER = IDS.MOTHER;

/** 'Save the Green Planet!' (the Hollywood remake), announced in 2018. */
function registerRemake(log: Log, workId = W): PublishedEvent {
  return log.work(workId, 'WorkRegistered', {
    kind: 'feature-film',
    originalLanguage: 'en',
    countries: ['US', 'KR'],
    externalIds: {},
    titles: [{ titleId: 't-1', text: 'Save the Green Planet!', language: 'en', class: 'working', primary: true }],
    status: 'announced',
    statusChangeId: 's-1',
    statusEffective: y('2018'),
  });
}

function registerMother(log: Log): PublishedEvent {
  return log.work(OTHER, 'WorkRegistered', {
    kind: 'feature-film',
    originalLanguage: 'vi',
    countries: ['VN', 'KR'],
    productionYear: 2025,
    externalIds: {},
    titles: [
      { titleId: 't-vi', text: 'Mang Mẹ Đi Bỏ', language: 'vi', class: 'original', primary: true },
      { titleId: 't-en', text: 'Going to Abandon My Mother', language: 'en', class: 'translated' },
    ],
    status: 'filming',
    statusChangeId: 's-m1',
    statusEffective: y('2024'),
  });
}

const card = (spec: ProjectionSpec, position?: number) => {
  const rows = spec.keyed('project_status', position).filter((r) => r.stream === streamIdFor('work', W));
  return rows[0]?.row;
};
const rowsOf = (spec: ProjectionSpec, table: string, workId = W, position?: number) => spec.keyed(table, position).filter((r) => r.stream === streamIdFor('work', workId));
const notesOf = (spec: ProjectionSpec, workId = W) => notesInOrder(rowsOf(spec, 'project_notes', workId).map((r) => r.row));

/** Counts the rows a store loads for handlers, and the whole tables it is asked to list (until `stop`). */
function countReads(store: MemoryProjectionStore): { rows: number; listed: string[]; stop(): void } {
  const load = store.loadRows;
  const counter = {
    rows: 0,
    listed: [] as string[],
    stop: () => {
      store.loadRows = load;
    },
  };
  store.loadRows = async (requests: readonly RowLoadRequest[]) => {
    for (const request of requests) if (request.wholeStreams.size) counter.listed.push(request.table);
    const loaded = await load.call(store, requests);
    for (const rows of loaded.values()) counter.rows += rows.length;
    return loaded;
  };
  return counter;
}

/**
 * The projection with a check on every handler: each row it puts or closes was declared in its reads or moreReads (by
 * key, or its whole table), and each table it lists was declared whole. The engine knows a stored open row only if it
 * was declared: an undeclared put of an existing key would open a second version instead of replacing it. And the
 * engine lets a handler list any table of a stream the run starts from nothing (every table is complete then), so
 * only this check shows, in runs of several events and on new works too, that moreReads asks for the dated facts
 * whenever apply lists them. A failed check dead-letters the event, which the tests refuse.
 */
function declaredWritesOnly(projection: Projection): Projection {
  const work = projection.handlers.work as unknown as Record<string, EventHandler>;
  const checked = Object.fromEntries(
    Object.entries(work).map(([type, handler]) => [
      type,
      {
        reads: handler.reads,
        ...(handler.moreReads ? { moreReads: handler.moreReads } : {}),
        apply: (event: ProjectedEvent, rows: StreamRows) => {
          const reads = handler.reads?.(event) ?? {};
          const more = handler.moreReads?.(event, rows) ?? {};
          const declared = new Set([...(reads.keys ?? []), ...(more.keys ?? [])].map(([table, key]) => `${table} ${key}`));
          const tables = [...(reads.tables ?? []), ...(more.tables ?? [])];
          const listing: StreamRows = {
            get: (table, key) => rows.get(table, key),
            list: (table) => {
              if (!tables.includes(table)) throw new Error(`${event.type} lists ${table}, not declared in its reads or moreReads`);
              return rows.list(table);
            },
          };
          const changes = handler.apply(event, listing);
          for (const change of changes) {
            if (!declared.has(`${change.table} ${change.key}`) && !tables.includes(change.table)) throw new Error(`${event.type} writes ${change.table} ${change.key}, not declared in its reads`);
          }
          return changes;
        },
      },
    ]),
  );
  return { ...projection, handlers: { work: checked as unknown as HandlersFor<'work'> } };
}
const checkedProjection = declaredWritesOnly(projectStatusProjection);

// ---- stories -----------------------------------------------------------------------------------------------------

describe('project status card, given/when/then', () => {
  it('given a registered remake, then the card shows its title, status and details, and nothing else yet', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log)]);
    expect(card(spec)).toEqual(
      expect.objectContaining({
        work_id: W,
        primary_title: 'Save the Green Planet!',
        titles_search: 'save the green planet!',
        status: 'announced',
        status_since: '2018',
        status_since_precision: 'year',
        status_since_start: '2018-01-01',
        in_development: true,
        development_start: null,
        latest_milestone: null,
        first_release: null,
        withdrawn: false,
      }),
    );
    expect(spec.rows('project_companies')).toEqual([]);
    expect(spec.rows('project_notes')).toEqual([]);
    expectReference(spec.store, log.events);
  });

  it('when facts are added, then companies and people get their own rows and the card compares each new fact with what it shows', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log)]);
    await spec.when(
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-cj', organizationId: IDS.CJ_ENM, role: 'producer', country: 'KR', from: y('2018') }),
      log.work(W, 'TalentAttached', { attachmentId: 'a-jang', personId: IDS.JANG, role: 'director', attachedAt: y('2018') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-dev', label: 'Development began', kind: 'development-start', date: y('2019') }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-us', territory: 'US', date: m('2026-03'), type: 'wide', status: 'scheduled' }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' }),
      log.work(W, 'TitleAdded', { titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'release', territory: 'KR' }),
    );
    expect(rowsOf(spec, 'project_companies').map((r) => [r.key, r.row.organization_id])).toEqual([['c-cj', IDS.CJ_ENM]]);
    expect(rowsOf(spec, 'project_people').map((r) => [r.key, r.row.person_id])).toEqual([['a-jang', IDS.JANG]]);
    expect(card(spec)).toEqual(
      expect.objectContaining({
        latest_milestone: { milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') },
        development_start: '2019',
        first_release: { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' },
        titles_search: 'save the green planet!\n지구를 지켜라!',
      }),
    );
    expectReference(spec.store, log.events);
  });

  it('when a credit is corrected, and then its replacement is corrected again, then each replacement takes the row and each fix leaves a note', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-1', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR' }),
    ]);
    await spec.when(log.work(W, 'CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: IDS.JERRYGOOD, role: 'co-producer', country: 'KR' }, note: 'co-producer, not producer' }));
    const afterFirst = log.position;
    await spec.when(log.work(W, 'CompanyCreditCorrected', { creditId: 'c-2', replacementCreditId: 'c-3', replacement: { organizationId: IDS.CJ_ENM, role: 'co-producer', country: 'KR' }, note: 'it was CJ ENM' }));

    expect(rowsOf(spec, 'project_companies').map((r) => [r.key, r.row.organization_id, r.row.role])).toEqual([['c-3', IDS.CJ_ENM, 'co-producer']]);
    expect(rowsOf(spec, 'project_companies', W, afterFirst).map((r) => [r.key, r.row.organization_id])).toEqual([['c-2', IDS.JERRYGOOD]]);
    expect(notesOf(spec)).toEqual([
      expect.objectContaining({ factType: 'company-credit', factId: 'c-1', kind: 'corrected', replacementId: 'c-2', note: 'co-producer, not producer' }),
      expect.objectContaining({ factType: 'company-credit', factId: 'c-2', kind: 'corrected', replacementId: 'c-3', note: 'it was CJ ENM' }),
    ]);
    expectReference(spec.store, log.events);
  });

  it('when an already corrected fact is corrected or retracted again (evolve folds it, the domain refuses it), then the card shows what the fold shows', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'TalentAttached', { attachmentId: 'a-1', personId: IDS.JANG, role: 'director' }),
      log.work(W, 'TalentDetached', { attachmentId: 'a-1', reason: 'left' }),
      log.work(W, 'TalentAttachmentCorrected', { attachmentId: 'a-1', replacementAttachmentId: 'a-2', replacement: { personId: IDS.JANG, role: 'writer' }, note: 'writer' }),
      log.work(W, 'TalentAttachmentCorrected', { attachmentId: 'a-1', replacementAttachmentId: 'a-3', replacement: { personId: IDS.JANG, role: 'producer' }, note: 'producer after all' }),
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2019') }),
      log.work(W, 'WorkStatusChangeCorrected', { statusChangeId: 's-1', replacementStatusChangeId: 's-1b', replacement: { to: 'rumored', effective: y('2017') }, note: 'only rumored' }),
      log.work(W, 'WorkStatusChangeCorrected', { statusChangeId: 's-1', replacementStatusChangeId: 's-1c', replacement: { to: 'in-development', effective: y('2018') }, note: 'in development already' }),
      log.work(W, 'WorkFactRetracted', { fact: { type: 'status-change', id: 's-1b' }, note: 'never rumored' }),
      log.work(W, 'WorkFactRetracted', { fact: { type: 'status-change', id: 's-1b' }, note: 'never rumored at all' }),
      log.work(W, 'TitleCorrected', { titleId: 't-1', replacementTitleId: 't-2', replacement: { text: 'Save the Green Planet', language: 'en', class: 'working' }, note: 'no exclamation mark' }),
      log.work(W, 'PrimaryTitleSet', { titleId: 't-1' }),
      log.work(W, 'TitleCorrected', { titleId: 't-1', replacementTitleId: 't-3', replacement: { text: 'Save The Green Planet', language: 'en', class: 'working' }, note: 'capitals' }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-1', territory: 'US', date: m('2026-03'), type: 'wide', status: 'scheduled' }),
      log.work(W, 'ReleaseCorrected', { releaseId: 'rel-1', replacementReleaseId: 'rel-2', replacement: { territory: 'US', date: m('2026-04'), type: 'wide', status: 'scheduled' }, note: 'April' }),
      log.work(W, 'WorkFactRetracted', { fact: { type: 'release', id: 'rel-1' }, note: 'no March date either' }),
      log.work(W, 'ReleaseMoved', { releaseId: 'rel-1', previousDate: m('2026-03'), date: m('2025-01') }),
    ]);
    // the detachment stays true of both replacements; the later replacement of s-1 sits before the earlier one
    expect(rowsOf(spec, 'project_people')).toEqual([]);
    expect(card(spec)).toEqual(
      expect.objectContaining({ status: 'in-development', status_since: '2019', development_start: '2018', primary_title: 'Save The Green Planet', first_release: expect.objectContaining({ releaseId: 'rel-2' }) }),
    );
    expectReference(spec.store, log.events);
  });

  it('when the milestone the card shows is corrected to an earlier date, then the card goes back to the latest of the others, and an as-of read before the fix shows the old card', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-script', label: 'Script delivered', kind: 'treatment', date: y('2021') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
    ]);
    const before = log.position;
    const reads = countReads(spec.store);
    await spec.when(log.work(W, 'MilestoneCorrected', { milestoneId: 'm-shoot', replacementMilestoneId: 'm-shoot-2', replacement: { label: 'Cameras rolled', kind: 'principal-photography-start', date: y('2020') }, note: 'shot in 2020' }));

    expect(card(spec)?.latest_milestone).toEqual({ milestoneId: 'm-script', label: 'Script delivered', kind: 'treatment', date: y('2021') });
    expect(card(spec, before)?.latest_milestone).toEqual(expect.objectContaining({ milestoneId: 'm-shoot' }));
    expect(reads.listed).toEqual(['project_dated_facts']);
    expectReference(spec.store, log.events);
  });

  it('when a milestone that the card does not show is corrected, then the card compares the replacement with what it shows', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-script', label: 'Script delivered', kind: 'treatment', date: y('2021') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
    ]);
    await spec.when(log.work(W, 'MilestoneCorrected', { milestoneId: 'm-script', replacementMilestoneId: 'm-script-2', replacement: { label: 'Script delivered', kind: 'treatment', date: y('2022') }, note: '2022' }));
    expect(card(spec)?.latest_milestone).toEqual(expect.objectContaining({ milestoneId: 'm-shoot' }));
    await spec.when(log.work(W, 'MilestoneCorrected', { milestoneId: 'm-script-2', replacementMilestoneId: 'm-script-3', replacement: { label: 'Script delivered', kind: 'treatment', date: m('2025-03') }, note: 'same month' }));
    // a tie goes to the later milestone in the work's list
    expect(card(spec)?.latest_milestone).toEqual(expect.objectContaining({ milestoneId: 'm-script-3' }));
    expectReference(spec.store, log.events);
  });

  it('when the status change the card shows is retracted, then the status goes back to the previous current one', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2018') }),
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-3', from: 'in-development', to: 'cancelled', effective: y('2023'), reason: 'financing fell through' }),
    ]);
    expect(card(spec)).toEqual(expect.objectContaining({ status: 'cancelled', in_development: false }));
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'status-change', id: 's-3' }, note: 'the report was wrong' }));
    expect(card(spec)).toEqual(expect.objectContaining({ status: 'in-development', status_since: '2018', in_development: true, development_start: '2018' }));
    expect(notesOf(spec)).toEqual([expect.objectContaining({ factType: 'status-change', factId: 's-3', kind: 'retracted', note: 'the report was wrong' })]);
    expectReference(spec.store, log.events);
  });

  it('when the milestone and the original the card shows are retracted, then the dated facts are loaded from the store and the card goes back; a fact it does not show is retracted by key', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'WorkRelated', { relationId: 'r-orig', relation: 'remake-of', targetWorkId: IDS.ORIGINAL }),
      log.work(W, 'WorkRelated', { relationId: 'r-sequel', relation: 'sequel-of', targetWorkId: OTHER }),
      log.work(W, 'WorkRelated', { relationId: 'r-loc', relation: 'localized-version-of', targetWorkId: OTHER }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-script', label: 'Script delivered', kind: 'treatment', date: y('2021') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-table', label: 'Table read', kind: 'treatment', date: y('2022') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
    ]);
    expect(card(spec)).toEqual(expect.objectContaining({ original_work_id: IDS.ORIGINAL, original_relation: 'remake-of', latest_milestone: expect.objectContaining({ milestoneId: 'm-shoot' }) }));
    const datedFacts = rowsOf(spec, 'project_dated_facts').length;
    expect(datedFacts).toBe(7);

    // runs of 1: every row comes from the store, the list in the second round (moreReads)
    const shown = countReads(spec.store);
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'milestone', id: 'm-shoot' }, note: 'not shot yet' }));
    shown.stop();
    expect(card(spec)?.latest_milestone).toEqual({ milestoneId: 'm-table', label: 'Table read', kind: 'treatment', date: y('2022') });
    expect(shown.listed).toEqual(['project_dated_facts']);
    // the card and the retracted fact by key, then every dated fact (the retracted one again, as the list holds it)
    expect(shown.rows).toBe(2 + datedFacts);

    const original = countReads(spec.store);
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'relation', id: 'r-orig' }, note: 'not a remake' }));
    original.stop();
    // the next current original relation, in the work's order (a sequel is no original)
    expect(card(spec)).toEqual(expect.objectContaining({ original_work_id: OTHER, original_relation: 'localized-version-of' }));
    expect(original.listed).toEqual(['project_dated_facts']);

    const notShown = countReads(spec.store);
    await spec.when(
      log.work(W, 'WorkFactRetracted', { fact: { type: 'milestone', id: 'm-script' }, note: 'no script then' }),
      log.work(W, 'WorkFactRetracted', { fact: { type: 'relation', id: 'r-sequel' }, note: 'not a sequel' }),
    );
    notShown.stop();
    expect(notShown.listed).toEqual([]);
    expect(notShown.rows).toBe(2 * 2);
    expect(card(spec)).toEqual(expect.objectContaining({ original_relation: 'localized-version-of', latest_milestone: expect.objectContaining({ milestoneId: 'm-table' }) }));
    expect(notesOf(spec).map((n) => [n.factId, n.kind])).toEqual([
      ['r-orig', 'retracted'],
      ['r-sequel', 'retracted'],
      ['m-script', 'retracted'],
      ['m-shoot', 'retracted'],
    ]);
    expectReference(spec.store, log.events);
  });

  it('when the status change the card shows is corrected, then its replacement takes its place without listing anything', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log), log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'filming', effective: m('2025-03') })]);
    const reads = countReads(spec.store);
    await spec.when(log.work(W, 'WorkStatusChangeCorrected', { statusChangeId: 's-2', replacementStatusChangeId: 's-2b', replacement: { to: 'pre-production', effective: m('2025-03') }, note: 'prep, not shooting' }));
    expect(card(spec)).toEqual(expect.objectContaining({ status: 'pre-production', status_since: '2025-03' }));
    // the dated facts are listed only when the corrected change is the development start (there is none here)
    expect(reads.listed).toEqual([]);
    expectReference(spec.store, log.events);
  });

  it('when the development start is retracted, then it goes back to the next earliest candidate', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2019') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-rights', label: 'Rights acquired', kind: 'rights-acquired', date: y('2017') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-dev', label: 'Development began', kind: 'development-start', date: m('2019-01') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-dev-again', label: 'Development began (again)', kind: 'development-start', date: d('2019-01-01') }),
    ]);
    expect(card(spec)?.development_start).toBe('2017');
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'milestone', id: 'm-rights' }, note: 'no rights deal then' }));
    // 2019 (year, in-development) and 2019-01 (month, milestone) tie on the first day: the milestone is listed first
    expect(card(spec)).toEqual(expect.objectContaining({ development_start: '2019-01', development_start_precision: 'month' }));
    expectReference(spec.store, log.events);
  });

  it('when the first release moves later, is cancelled, or is retracted, then the card shows the next one, without listing history', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-us', territory: 'US', date: m('2026-03'), type: 'wide', status: 'scheduled' }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-vn', territory: 'VN', date: m('2026-05'), type: 'wide', status: 'scheduled' }),
    ]);
    const reads = countReads(spec.store);
    await spec.when(log.work(W, 'ReleaseMoved', { releaseId: 'rel-kr', previousDate: m('2025-11'), date: m('2026-04'), reason: 'post-production ran long' }));
    expect(card(spec)?.first_release).toEqual(expect.objectContaining({ releaseId: 'rel-us' }));
    await spec.when(log.work(W, 'ReleaseCancelled', { releaseId: 'rel-us', reason: 'streaming instead' }));
    expect(card(spec)?.first_release).toEqual(expect.objectContaining({ releaseId: 'rel-kr', status: 'moved', date: m('2026-04') }));
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'release', id: 'rel-kr' }, note: 'no Korean release was planned' }));
    expect(card(spec)?.first_release).toEqual(expect.objectContaining({ releaseId: 'rel-vn' }));
    await spec.when(log.work(W, 'ReleaseOccurred', { releaseId: 'rel-vn', date: d('2026-05-08') }));
    expect(card(spec)?.first_release).toEqual({ releaseId: 'rel-vn', territory: 'VN', date: d('2026-05-08'), type: 'wide', status: 'occurred' });
    expect(reads.listed).toEqual([]);
    expectReference(spec.store, log.events);
  });

  it('when a fact is clarified, then a note is added and the card row keeps its version', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log), log.work(W, 'CompanyCreditAdded', { creditId: 'c-cj', organizationId: IDS.CJ_ENM, role: 'producer' })]);
    const versions = spec.store.versions.get('project_status')!.length;
    await spec.when(
      log.work(W, 'WorkFactClarified', { fact: { type: 'company-credit', id: 'c-cj' }, note: 'via its US arm' }),
      log.work(W, 'WorkFactClarified', { fact: { type: 'work', id: W }, note: 'a loose remake' }),
      log.work(W, 'WorkFactClarified', { fact: { type: 'company-credit', id: 'c-cj' }, note: 'and its Korean one' }),
    );
    expect(spec.store.versions.get('project_status')).toHaveLength(versions);
    expect(notesOf(spec).map((n) => [n.factType, n.kind, n.note])).toEqual([
      ['work', 'clarified', 'a loose remake'],
      ['company-credit', 'clarified', 'via its US arm'],
      ['company-credit', 'clarified', 'and its Korean one'],
    ]);
    expectReference(spec.store, log.events);
  });

  it('when a credit and a cast member are moved to the right work, then they leave one card and join the other, with a note on each side', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      registerMother(log),
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-jg', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR', from: y('2024') }),
      log.work(W, 'TalentAttached', { attachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', billing: 'lead', attachedAt: y('2024') }),
    ]);
    const note = 'they belong to Going to Abandon My Mother';
    await spec.when(
      log.work(W, 'CompanyCreditMovedOut', { creditId: 'c-jg', moveId: 'mv-1', targetWorkId: OTHER, targetCreditId: 'c-jg-m', note }),
      log.work(OTHER, 'CompanyCreditMovedIn', { creditId: 'c-jg-m', moveId: 'mv-1', sourceWorkId: W, sourceCreditId: 'c-jg', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR', from: y('2024'), note }),
      log.work(W, 'TalentAttachmentMovedOut', { attachmentId: 'a-lee', moveId: 'mv-2', targetWorkId: OTHER, targetAttachmentId: 'a-lee-m', note }),
      log.work(OTHER, 'TalentAttachmentMovedIn', { attachmentId: 'a-lee-m', moveId: 'mv-2', sourceWorkId: W, sourceAttachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', billing: 'lead', attachedAt: y('2024'), note }),
    );
    expect(rowsOf(spec, 'project_companies')).toEqual([]);
    expect(rowsOf(spec, 'project_people')).toEqual([]);
    expect(rowsOf(spec, 'project_companies', OTHER).map((r) => r.row.organization_id)).toEqual([IDS.JERRYGOOD]);
    expect(rowsOf(spec, 'project_people', OTHER).map((r) => r.row.person_id)).toEqual([IDS.LEE_KWANG_SOO]);
    expect(notesOf(spec).map((n) => [n.factId, n.kind, n.workId])).toEqual([
      ['c-jg', 'moved-out', OTHER],
      ['a-lee', 'moved-out', OTHER],
    ]);
    expect(notesOf(spec, OTHER).map((n) => [n.factId, n.kind, n.workId])).toEqual([
      ['c-jg-m', 'moved-in', W],
      ['a-lee-m', 'moved-in', W],
    ]);
    expectReference(spec.store, log.events);
  });

  it('when a credit and a cast member are retracted, then they leave the card with a note; a clarified release keeps its place', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-cj', organizationId: IDS.CJ_ENM, role: 'distributor', territory: 'KR' }),
      log.work(W, 'TalentAttached', { attachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', character: 'Byeong-gu', billing: 'lead' }),
      log.work(W, 'ReleaseScheduled', { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' }),
    ]);
    await spec.when(
      log.work(W, 'WorkFactRetracted', { fact: { type: 'company-credit', id: 'c-cj' }, note: 'CJ never distributed it' }),
      log.work(W, 'WorkFactRetracted', { fact: { type: 'talent-attachment', id: 'a-lee' }, note: 'a rumour' }),
      log.work(W, 'WorkFactClarified', { fact: { type: 'release', id: 'rel-kr' }, note: 'tentative' }),
    );
    expect(rowsOf(spec, 'project_companies')).toEqual([]);
    expect(rowsOf(spec, 'project_people')).toEqual([]);
    expect(card(spec)?.first_release).toEqual(expect.objectContaining({ releaseId: 'rel-kr' }));
    expect(notesOf(spec).map((n) => [n.factType, n.kind, n.note])).toEqual([
      ['company-credit', 'retracted', 'CJ never distributed it'],
      ['talent-attachment', 'retracted', 'a rumour'],
      ['release', 'clarified', 'tentative'],
    ]);
    expectReference(spec.store, log.events);
  });

  it('when a director is detached and a financier ends its credit, then the person leaves the card and the credit shows its end', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'TalentAttached', { attachmentId: 'a-jang', personId: IDS.JANG, role: 'director', attachedAt: y('2018') }),
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-fin', organizationId: IDS.MOTIF, role: 'financier', from: y('2019') }),
    ]);
    await spec.when(
      log.work(W, 'TalentDetached', { attachmentId: 'a-jang', reason: 'stays on as executive producer', detachedAt: y('2022') }),
      log.work(W, 'TalentAttached', { attachmentId: 'a-jang-ep', personId: IDS.JANG, role: 'executive-producer', attachedAt: y('2022') }),
      log.work(W, 'CompanyCreditEnded', { creditId: 'c-fin', to: y('2023'), reason: 'pulled out' }),
    );
    expect(rowsOf(spec, 'project_people').map((r) => r.key)).toEqual(['a-jang-ep']);
    expect(rowsOf(spec, 'project_companies').map((r) => r.row.to_date)).toEqual([y('2023')]);
    expectReference(spec.store, log.events);
  });

  it('when the work itself is retracted as a fact, then it is withdrawn the same way, and a later withdrawal replaces the note', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log)]);
    await spec.when(log.work(W, 'WorkFactRetracted', { fact: { type: 'work', id: W }, note: 'a duplicate record' }));
    await spec.when(log.work(W, 'WorkRetracted', { note: 'a duplicate of the 2003 film' }));
    expect(card(spec)).toEqual(expect.objectContaining({ withdrawn: true, withdrawn_note: 'a duplicate of the 2003 film', in_development: false }));
    expect(notesOf(spec).map((n) => n.note)).toEqual(['a duplicate of the 2003 film']);
    expectReference(spec.store, log.events);
  });

  it('when the whole work is withdrawn, then its card stays, flagged, out of development, with the note', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log), log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2018') })]);
    await spec.when(log.work(W, 'WorkRetracted', { note: 'the project never existed' }));
    expect(card(spec)).toEqual(expect.objectContaining({ withdrawn: true, withdrawn_note: 'the project never existed', in_development: false, status: 'in-development' }));
    expect(notesOf(spec)).toEqual([expect.objectContaining({ factType: 'work', kind: 'withdrawn', note: 'the project never existed' })]);
    expectReference(spec.store, log.events);
  });

  it('given seven years of development (2018 → still in development in 2025), then the card keeps the 2018 start through every later event', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [
      registerRemake(log),
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2018') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-dev', label: 'Development began', kind: 'development-start', date: y('2019') }),
      log.work(W, 'MilestoneCorrected', { milestoneId: 'm-dev', replacementMilestoneId: 'm-dev-2', replacement: { label: 'Development began', kind: 'development-start', date: y('2018') }, note: 'seven years by 2025' }),
    ]);
    for (let year = 2019; year <= 2025; year += 1) {
      await spec.when(
        log.work(W, 'TalentAttached', { attachmentId: `a-${year}`, personId: IDS.JANG, role: 'writer', attachedAt: y(String(year)) }),
        log.work(W, 'MilestoneRecorded', { milestoneId: `m-${year}`, label: `Draft ${year}`, kind: 'treatment', date: y(String(year)) }),
      );
    }
    expect(card(spec)).toEqual(
      expect.objectContaining({ status: 'in-development', in_development: true, development_start: '2018', development_start_precision: 'year', development_start_start: '2018-01-01' }),
    );
    expect(card(spec)?.latest_milestone).toEqual(expect.objectContaining({ milestoneId: 'm-2025' }));
    expectReference(spec.store, log.events);
  });

  it('as of any position before a correction, the old row is read; after it, the fix', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log), log.work(W, 'TitleAdded', { titleId: 't-ko', text: '지구를 지켜라', language: 'ko-Kore', class: 'release' })]);
    const before = log.position;
    await spec.when(log.work(W, 'TitleCorrected', { titleId: 't-1', replacementTitleId: 't-1b', replacement: { text: 'Save the Green Planet', language: 'en', class: 'working' }, note: 'no exclamation mark' }));
    const after = log.position;
    expect(card(spec, before)?.primary_title).toBe('Save the Green Planet!');
    expect(card(spec, after)?.primary_title).toBe('Save the Green Planet');
    expect(rowsOf(spec, 'project_notes', W, before)).toEqual([]);
    expect(rowsOf(spec, 'project_notes', W, after).map((r) => r.row.kind)).toEqual(['corrected']);
    expectReference(spec.store, log.events, before);
    expectReference(spec.store, log.events, after);
  });

  it('a typical event reads only by key: adding facts, a status change, a release move, a clarification list nothing', async () => {
    const log = new Log();
    const spec = await givenEvents(checkedProjection, [registerRemake(log), log.work(W, 'ReleaseScheduled', { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' })]);
    const reads = countReads(spec.store);
    await spec.when(
      log.work(W, 'WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2018') }),
      log.work(W, 'MilestoneRecorded', { milestoneId: 'm-1', label: 'Script', kind: 'treatment', date: y('2020') }),
      log.work(W, 'CompanyCreditAdded', { creditId: 'c-1', organizationId: IDS.CJ_ENM, role: 'producer' }),
      log.work(W, 'CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: IDS.CJ_ENM, role: 'co-producer' }, note: 'co' }),
      log.work(W, 'ReleaseMoved', { releaseId: 'rel-kr', previousDate: m('2025-11'), date: m('2026-01') }),
      log.work(W, 'WorkFactClarified', { fact: { type: 'milestone', id: 'm-1' }, note: 'first draft' }),
    );
    expect(reads.listed).toEqual([]);
    expectReference(spec.store, log.events);
  });
});

// ---- the reference ---------------------------------------------------------------------------------------------

/** Every table's open rows after each event, fed one by one to a store that sees nothing else. */
async function snapshotsByPosition(events: readonly PublishedEvent[]): Promise<Map<number, Record<string, ReturnType<MemoryProjectionStore['rowsAt']>>>> {
  const store = new MemoryProjectionStore(new ProjectionEngine([checkedProjection]));
  const snapshots = new Map<number, Record<string, ReturnType<MemoryProjectionStore['rowsAt']>>>();
  for (const event of events) {
    await store.applyEvents([event], 1);
    snapshots.set(Number(event.globalPosition), Object.fromEntries(TABLES.map((t) => [t, store.rowsAt(t)])));
  }
  return snapshots;
}

async function expectAsOfEqualsCut(store: MemoryProjectionStore, events: readonly PublishedEvent[], freshPositions: readonly number[]): Promise<void> {
  const snapshots = await snapshotsByPosition(events);
  for (const [position, tables] of snapshots) for (const table of TABLES) expect([position, table, store.rowsAt(table, position)]).toEqual([position, table, tables[table]]);
  for (const position of freshPositions) {
    const fresh = await givenEvents(checkedProjection, cutAt(events, position));
    for (const table of TABLES) expect([position, table, store.rowsAt(table, position)]).toEqual([position, table, fresh.keyed(table)]);
  }
}

describe('project status card against the fold-based reference', () => {
  const scenario = publishScenario(buildScenario());

  it.each([1, 7])('the demo scenario (runs of %i) gives the old card, at every position, and as-of reads equal a fresh engine fed the log up to there', async (runSize) => {
    const spec = await givenEvents(checkedProjection, scenario, runSize);
    expectReference(spec.store, scenario);
    for (const event of scenario) expectReference(spec.store, scenario, Number(event.globalPosition));
    await expectAsOfEqualsCut(spec.store, scenario, [1, 20, 40, scenario.length]);
    const remake = oldCards(spec.store).find((c) => c.work_id === IDS.REMAKE);
    expect(remake).toEqual(expect.objectContaining({ development_start: '2018', in_development: true, status: 'filming' }));
  });

  const seeds = Number(process.env.READ_MODELS_SEEDS ?? 200);
  it(`random logs (${seeds} seeds, runs of 1 and of 7) give the old card, and every as-of read equals a fresh engine fed the log up to there`, async () => {
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { events } = randomLog({ seed });
      const runSize = seed % 2 === 0 ? 7 : 1;
      const spec = await givenEvents(checkedProjection, events, runSize);
      expect(spec.store.deadLetters).toEqual([]);
      try {
        expectReference(spec.store, events);
        if (seed % 10 === 0) for (const event of events) if (event.streamType === 'work') expectReference(spec.store, events, Number(event.globalPosition));
        const last = events.length;
        await expectAsOfEqualsCut(spec.store, events, [1 + (seed % last), Math.ceil(last / 2)]);
      } catch (error) {
        throw new Error(`seed ${seed} (runs of ${runSize}): ${(error as Error).message}`);
      }
    }
  }, 600_000);
});

// ---- cost ------------------------------------------------------------------------------------------------------

describe('project status card, cost of an event', () => {
  /** A work with `size` events of history: credits, people, milestones, status changes, releases, fixes and notes. */
  function history(size: number): Log {
    const log = new Log();
    registerRemake(log);
    // the facts the typical events touch (the loop below never does)
    log.work(W, 'CompanyCreditAdded', { creditId: 'c-base', organizationId: IDS.CJ_ENM, role: 'producer' });
    log.work(W, 'ReleaseScheduled', { releaseId: 'rel-base', territory: 'KR', date: m('2026-11'), type: 'wide', status: 'scheduled' });
    log.work(W, 'MilestoneRecorded', { milestoneId: 'm-base', label: 'Development began', kind: 'development-start', date: y('2018') });
    log.work(W, 'MilestoneRecorded', { milestoneId: 'm-old', label: 'Rights optioned', kind: 'treatment', date: y('2010') });
    // the original the card shows, and a relation it does not
    log.work(W, 'WorkRelated', { relationId: 'r-orig', relation: 'remake-of', targetWorkId: IDS.ORIGINAL });
    log.work(W, 'WorkRelated', { relationId: 'r-side', relation: 'sequel-of', targetWorkId: OTHER });
    for (let i = 1; log.events.length < size; i += 1) {
      const year = String(2018 + (i % 8));
      const steps = [
        () => log.work(W, 'CompanyCreditAdded', { creditId: `c-${i}`, organizationId: IDS.MOTIF, role: 'co-producer' }),
        () => log.work(W, 'TalentAttached', { attachmentId: `a-${i}`, personId: IDS.LEE_KWANG_SOO, role: 'cast' }),
        () => log.work(W, 'MilestoneRecorded', { milestoneId: `m-${i}`, label: `Draft ${i}`, kind: 'treatment', date: y(year) }),
        () => log.work(W, 'WorkStatusChanged', { statusChangeId: `s-${i}`, from: 'announced', to: i % 2 ? 'in-development' : 'pre-production', effective: y(year) }),
        () => log.work(W, 'WorkFactClarified', { fact: { type: 'company-credit', id: `c-${i - 4}` }, note: `note ${i}` }),
        () => log.work(W, 'CompanyCreditCorrected', { creditId: `c-${i - 5}`, replacementCreditId: `c-${i - 5}b`, replacement: { organizationId: IDS.MOTIF, role: 'financier' }, note: `fix ${i}` }),
        () => log.work(W, 'TalentDetached', { attachmentId: `a-${i - 5}`, reason: 'scheduling' }),
      ];
      steps[i % steps.length]!();
    }
    return log;
  }

  type Cost = { type: string; read: number; written: number; listed: string[] };

  /** Typical events, then fixes of dated facts the card does not show, appended to `log`: each one's rows read and versions written. */
  async function costs(log: Log): Promise<{ typical: Cost[]; fixes: Cost[] }> {
    const spec = await givenEvents(checkedProjection, log.events, 50);
    const store = spec.store;
    const typical = [
      () => log.work(W, 'CompanyCreditAdded', { creditId: 'c-new', organizationId: IDS.JERRYGOOD, role: 'producer' }),
      () => log.work(W, 'TalentAttached', { attachmentId: 'a-new', personId: IDS.MO_HONG_JIN, role: 'writer' }),
      () => log.work(W, 'WorkStatusChanged', { statusChangeId: 's-new', from: 'announced', to: 'filming', effective: m('2025-03') }),
      () => log.work(W, 'MilestoneRecorded', { milestoneId: 'm-new', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
      () => log.work(W, 'ReleaseMoved', { releaseId: 'rel-base', previousDate: m('2026-11'), date: m('2027-02') }),
      () => log.work(W, 'ReleaseScheduled', { releaseId: 'rel-new', territory: 'US', date: m('2027-01'), type: 'wide', status: 'scheduled' }),
      () => log.work(W, 'CompanyCreditEnded', { creditId: 'c-base', to: y('2025') }),
      () => log.work(W, 'CompanyCreditCorrected', { creditId: 'c-new', replacementCreditId: 'c-new-2', replacement: { organizationId: IDS.JERRYGOOD, role: 'co-producer' }, note: 'co' }),
      () => log.work(W, 'TalentDetached', { attachmentId: 'a-new', reason: 'left' }),
      () => log.work(W, 'WorkFactClarified', { fact: { type: 'milestone', id: 'm-base' }, note: 'per the trades' }),
      () => log.work(W, 'TitleAdded', { titleId: 't-new', text: 'Green Planet', language: 'en', class: 'alternative' }),
      () => log.work(W, 'WorkDetailsUpdated', { changes: { productionYear: 2026 } }),
    ];
    // none of these facts is the latest milestone (m-new), the development start (m-base), the status (s-new) or the original (r-orig)
    const fixes = [
      () => log.work(W, 'MilestoneCorrected', { milestoneId: 'm-old', replacementMilestoneId: 'm-old-2', replacement: { label: 'Rights optioned', kind: 'treatment', date: y('2011') }, note: 'not shown' }),
      () => log.work(W, 'WorkFactRetracted', { fact: { type: 'milestone', id: 'm-old-2' }, note: 'no option then' }),
      () => log.work(W, 'WorkStatusChangeCorrected', { statusChangeId: 's-1', replacementStatusChangeId: 's-1b', replacement: { to: 'announced', effective: y('2017') }, note: 'announced in 2017' }),
      () => log.work(W, 'WorkFactRetracted', { fact: { type: 'status-change', id: 's-1b' }, note: 'never announced' }),
      () => log.work(W, 'WorkRelationCorrected', { relationId: 'r-side', replacementRelationId: 'r-side-2', replacement: { relation: 'spin-off-of', targetWorkId: OTHER }, note: 'a spin-off' }),
      () => log.work(W, 'WorkFactRetracted', { fact: { type: 'relation', id: 'r-side-2' }, note: 'unrelated' }),
    ];
    const measure = async (next: () => PublishedEvent): Promise<Cost> => {
      const event = next();
      const reads = countReads(store);
      const result = await store.applyRun([{ value: structuredClone(event) }]);
      reads.stop();
      expect(result.outcomes[0]?.outcome).toBe('applied');
      return { type: event.type, read: reads.rows, written: result.writes.inserts.length + result.writes.closings.length, listed: reads.listed };
    };
    const out = { typical: [] as Cost[], fixes: [] as Cost[] };
    for (const next of typical) out.typical.push(await measure(next));
    for (const next of fixes) out.fixes.push(await measure(next));
    expect(store.deadLetters).toEqual([]);
    expectReference(store, log.events);
    return out;
  }

  /** Both works measured once, for the tests below. */
  let measured: Promise<[short: Awaited<ReturnType<typeof costs>>, long: Awaited<ReturnType<typeof costs>>]> | undefined;
  const shortAndLong = () => (measured ??= Promise.all([costs(history(10)), costs(history(1_000))]));

  it('a typical event reads and writes the same number of rows on a work with 10 events of history as on one with 1,000', async () => {
    const [short, long] = await shortAndLong();
    expect(long.typical).toEqual(short.typical);
    for (const row of long.typical) {
      expect(row.listed).toEqual([]);
      expect(row.read).toBeLessThanOrEqual(3);
      expect(row.written).toBeLessThanOrEqual(5);
    }
  });

  it('a correction or retraction of a milestone, status change or relation the card does not show reads its own rows by key, on 10 events of history as on 1,000', async () => {
    const [short, long] = await shortAndLong();
    // the dated facts are loaded (moreReads) only when the fixed fact is the one an aggregate of the card shows
    expect(long.fixes).toEqual(short.fixes);
    for (const row of long.fixes) {
      expect(row.listed).toEqual([]);
      expect(row.read).toBeLessThanOrEqual(3);
      expect(row.written).toBeLessThanOrEqual(5);
    }
  });
});
