import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { getCompanyPortfolio } from './company-portfolio/company-portfolio.queries.js';
import { getFreshness } from './engine/freshness.js';
import { MemoryProjectionStore } from './engine/memory-store.js';
import { applyMessage } from './engine/pg-apply.js';
import { getPersonAttachments } from './person-attachments/person-attachments.queries.js';
import { getProjectStatus, InvalidCursorError, listProjects } from './project-status/project-status.queries.js';
import { READ_MODELS } from './read-models.js';
import { getRemakeMap } from './remake-map/remake-map.queries.js';
import { readModelSnapshot } from './testing/pg-tables.js';
import { buildScenario, IDS, publishScenario, uuid } from './testing/scenario.js';
import { getTimeline } from './timeline/timeline.queries.js';

const SCHEMA = 'read_models';
let db: TestDatabase;
const events = publishScenario(buildScenario());

async function applyAll(list: readonly unknown[]) {
  const client = await db.pool.connect();
  try {
    const outcomes = [];
    for (const e of list) outcomes.push(await applyMessage(client, SCHEMA, READ_MODELS, { value: e }));
    return outcomes;
  } finally {
    client.release();
  }
}

/** The open rows of every table, as the engine computes them in memory from the same events. */
async function expectCurrentRowsAsComputed(list: readonly PublishedEvent[]) {
  const memory = new MemoryProjectionStore(READ_MODELS);
  await memory.applyEvents(list);
  for (const table of READ_MODELS.tables) {
    const { rows } = await db.pool.query<{ owner_stream: string; row_key: string }>(`SELECT owner_stream, row_key FROM read_models.${table.name} ORDER BY owner_stream COLLATE "C", row_key COLLATE "C"`);
    expect({ table: table.name, rows: rows.map((r) => `${r.owner_stream}/${r.row_key}`) }).toEqual({ table: table.name, rows: memory.rowsAt(table.name).map((r) => `${r.stream}/${r.key}`) });
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('applying events', () => {
  it('applies every event once; a second delivery skips them all and writes no row version', async () => {
    const first = await applyAll(events);
    expect(first.every((o) => o.outcome === 'applied')).toBe(true);
    await expectCurrentRowsAsComputed(events);
    const before = await readModelSnapshot(db.pool, SCHEMA);
    const again = await applyAll([...events].reverse());
    expect(again.every((o) => o.outcome === 'skipped')).toBe(true);
    expect(await readModelSnapshot(db.pool, SCHEMA)).toEqual(before);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM read_models.dead_letters');
    expect(rows[0].n).toBe(0);
  });

  it('poison events go to dead letters with the error; the stream and the projection go on', async () => {
    const registered = events.find((e) => e.type === 'WorkRegistered' && e.streamId === `work-${IDS.MOTHER}`)!;
    const streamId = `work-${uuid(999)}`;
    const base = (version: number, overrides: Partial<PublishedEvent>): PublishedEvent => ({
      ...registered,
      eventId: uuid(900 + version),
      streamId,
      streamVersion: version,
      globalPosition: String(1000 + version),
      recordedAt: '2025-07-01T00:00:00.000Z',
      data: { ...registered.data, workId: uuid(999) },
      ...overrides,
    });
    const registration = base(1, { data: { ...registered.data, workId: uuid(999), status: 'announced', countries: ['FR'], titles: [{ titleId: 't-p', text: 'Poison Pill', language: 'en', class: 'working', primary: true }] } });
    const broken = base(2, { data: { workId: uuid(999) } }); // a handler throws: a registration without titles
    const unknownType = base(3, { type: 'WorkTeleported' });
    const newer = base(4, { schemaVersion: 7 });
    const malformed = { hello: 'world' };
    const good = base(5, { type: 'MilestoneRecorded', data: { workId: uuid(999), milestoneId: 'm-x', label: 'Script delivered', kind: 'script', date: { date: '2024', precision: 'year' } } });
    const gap = base(9, { type: 'MilestoneRecorded', data: { workId: uuid(999), milestoneId: 'm-y', label: 'later', kind: 'other', date: { date: '2025', precision: 'year' } } });
    const outcomes = await applyAll([registration, broken, unknownType, newer, malformed, good, gap, gap]);
    expect(outcomes.map((o) => (o.outcome === 'dead-lettered' ? o.reason : o.outcome))).toEqual([
      'applied',
      'handler-failed',
      'unknown-event-type',
      'unsupported-schema-version',
      'malformed',
      'applied',
      'gap',
      'gap',
    ]);
    const letters = await db.pool.query('SELECT reason, stream_id, stream_version, type, error, payload FROM read_models.dead_letters ORDER BY id');
    expect(letters.rows.map((r) => [r.reason, r.stream_version])).toEqual([
      ['handler-failed', 2],
      ['unknown-event-type', 3],
      ['unsupported-schema-version', 4],
      ['malformed', null],
      ['gap', 9], // once, though delivered twice
    ]);
    expect(letters.rows[0].error).toMatch(/titles|map|undefined/);
    expect(letters.rows[0].payload.eventId).toBe(uuid(902));
    const snapshot = await db.pool.query('SELECT version, skipped_versions FROM read_models.projection_streams WHERE stream_id = $1', [streamId]);
    expect(snapshot.rows[0]).toEqual({ version: 5, skipped_versions: [2, 3, 4] });
    // the event after the poison ones was projected on the same stream; other streams are untouched
    const entries = await db.pool.query('SELECT label FROM read_models.timeline_entries WHERE owner_stream = $1 ORDER BY seq', [streamId]);
    expect(entries.rows.map((r) => r.label)).toEqual(['Registered as announced', 'Script delivered']);
    expect((await listProjects(db.pool, { text: 'mẹ' })).items.map((p) => p.workId)).toEqual([IDS.MOTHER]);
  });
});

describe('queries', () => {
  const now = new Date('2025-06-30T00:00:00Z');

  it('listProjects filters by status, country, company, person, kind and any title, case-insensitively', async () => {
    const ids = async (filter: Parameters<typeof listProjects>[1]) => (await listProjects(db.pool, filter, { now })).items.map((p) => p.workId).sort();
    expect(await ids({ status: 'filming' })).toEqual([IDS.REMAKE, IDS.MOTHER].sort());
    expect(await ids({ country: 'vn', countryOf: ['origin'] })).toEqual([IDS.MOTHER, IDS.MISS_GRANNY_VN].sort());
    // Vietnam through deals too: the franchise names the original for VN and JP, the remake rights were sold worldwide (XW).
    expect(await ids({ country: 'vn' })).toEqual([IDS.MOTHER, IDS.MISS_GRANNY_VN, IDS.MISS_GRANNY, IDS.ORIGINAL, IDS.REMAKE].sort());
    expect(await ids({ country: 'JP', countryOf: ['deal'] })).toEqual([IDS.MISS_GRANNY_JP, IDS.MISS_GRANNY, IDS.ORIGINAL, IDS.REMAKE].sort());
    expect(await ids({ country: 'southeast-asia', countryOf: ['deal'] })).toEqual([IDS.MISS_GRANNY_VN, IDS.MISS_GRANNY, IDS.ORIGINAL, IDS.REMAKE].sort());
    // The remake's only release, in KR, was retracted.
    expect(await ids({ country: 'KR', countryOf: ['release'] })).toEqual([]);
    expect(await ids({ companyId: IDS.JERRYGOOD })).toEqual([IDS.MOTHER]);
    expect(await ids({ companyId: IDS.CJ_ENM })).toEqual([IDS.REMAKE, IDS.MISS_GRANNY_VN].sort());
    expect(await ids({ personId: IDS.LEE_KWANG_SOO })).toEqual([IDS.MOTHER]);
    expect(await ids({ text: 'GREEN PLANET' })).toEqual([IDS.ORIGINAL, IDS.REMAKE].sort());
    expect(await ids({ text: '지구를' })).toEqual([IDS.ORIGINAL]);
    expect(await ids({ kind: 'series' })).toEqual([]);
    expect(await ids({ text: 'poison' })).toEqual([uuid(999)]);
    const remake = (await listProjects(db.pool, { text: 'green planet', status: 'filming' }, { now })).items[0]!;
    expect(remake).toMatchObject({ inDevelopment: true, developmentStart: { date: '2018', precision: 'year' }, developmentYears: 7 });
  });

  it('listProjects pages with an opaque cursor, without repeats or gaps', async () => {
    const all = (await listProjects(db.pool, { limit: 100 })).items.map((p) => p.workId);
    expect(all).toHaveLength(7);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listProjects(db.pool, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.workId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(all);
    await expect(listProjects(db.pool, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('getProjectStatus joins company and person names and reports the development duration', async () => {
    const status = (await getProjectStatus(db.pool, IDS.REMAKE, { now }))!;
    expect(status).toMatchObject({
      primaryTitle: { text: 'Save the Green Planet!', language: 'en' },
      originalWork: { workId: IDS.ORIGINAL, relation: 'remake-of', primaryTitle: '지구를 지켜라!' },
      status: 'filming',
      statusSince: { date: '2025-03', precision: 'month' },
      developmentYears: 7,
      latestMilestone: { label: 'Cameras rolled' },
    });
    expect(status.companiesByRole).toEqual({ producer: [expect.objectContaining({ organizationId: IDS.CJ_ENM, name: 'CJ ENM', country: 'KR' })] });
    expect(status.peopleByRole).toEqual({ 'executive-producer': [expect.objectContaining({ personId: IDS.JANG, name: 'Jang Joon-hwan' })] });
    expect(status.notes.some((n) => n.kind === 'moved-out' && n.note.includes('Lee Kwang-soo'))).toBe(true);
    const mother = (await getProjectStatus(db.pool, IDS.MOTHER, { now }))!;
    expect(Object.keys(mother.companiesByRole)).toEqual(['producer']);
    expect(mother.companiesByRole.producer!.map((c) => c.name).sort()).toEqual(['Jerrygood Company', 'Motif Film']);
    expect(mother.peopleByRole.cast).toEqual([expect.objectContaining({ name: 'Lee Kwang-soo', billing: 'lead' })]);
    expect(await getProjectStatus(db.pool, uuid(12345))).toBeNull();
  });

  it('getTimeline: dated entries in world order with precision, deal entries, corrections flagged, and "occurred before"', async () => {
    const timeline = (await getTimeline(db.pool, IDS.REMAKE))!;
    expect(timeline.span).toEqual({ from: { date: '2018', precision: 'year' }, to: { date: '2025-03', precision: 'month' }, years: 7 });
    const labels = timeline.entries.map((e) => `${e.occurredAt.date}${e.current ? '' : ' ×'} ${e.label}`);
    expect(labels).toEqual([
      '2018 Registered as announced',
      '2018 Status: announced → in-development',
      '2018 producer from',
      '2018 director attached',
      '2018 Development began',
      '2018 remake-rights deal announced',
      '2019 × Development began',
      '2019 remake-rights deal closed',
      '2022 director detached',
      '2022 executive-producer attached',
      '2024 × cast attached',
      '2024 × producer from',
      '2024 Status: in-development → pre-production',
      '2025-03 Cameras rolled',
      '2025-03 Status: pre-production → filming',
      '2025-11 × wide release in KR (scheduled)',
    ]);
    expect(timeline.entries.find((e) => e.kind === 'talent-attached' && e.subject?.id === IDS.JANG)!.subject).toEqual({ type: 'person', id: IDS.JANG, name: 'Jang Joon-hwan' });
    expect(timeline.entries.find((e) => e.kind === 'release')).toMatchObject({ retracted: true, note: 'no Korean theatrical release was ever planned' });
    const before = (await getTimeline(db.pool, IDS.REMAKE, { occurredBefore: '2022', includeDeprecated: false }))!;
    expect(before.entries.map((e) => e.occurredAt.date)).toEqual(['2018', '2018', '2018', '2018', '2018', '2018', '2019']);
  });

  it('getRemakeMap resolves the original from any version and lists the versions with countries and years', async () => {
    const fromVersion = (await getRemakeMap(db.pool, IDS.MISS_GRANNY_JP))!;
    expect(fromVersion.original).toMatchObject({ workId: IDS.MISS_GRANNY, primaryTitle: '수상한 그녀', countries: ['KR'], year: 2014 });
    expect(fromVersion.versions.map((v) => [v.workId, v.relation, v.countries, v.year, v.dealId])).toEqual([
      [IDS.MISS_GRANNY_VN, 'localized-version-of', ['VN'], 2015, IDS.FRANCHISE],
      [IDS.MISS_GRANNY_JP, 'localized-version-of', ['JP'], 2016, IDS.FRANCHISE],
    ]);
    const green = (await getRemakeMap(db.pool, IDS.ORIGINAL))!;
    expect(green.versions.map((v) => [v.workId, v.relation, v.countries])).toEqual([[IDS.REMAKE, 'remake-of', ['US', 'KR']]]);
  });

  it('getCompanyPortfolio: credited works and deals with their works and roles', async () => {
    const cj = (await getCompanyPortfolio(db.pool, IDS.CJ_ENM))!;
    expect(cj.organization).toMatchObject({ name: 'CJ ENM', country: 'KR' });
    expect(cj.works.map((w) => [w.workId, w.credits.map((c) => c.role)])).toEqual(
      [
        [IDS.MISS_GRANNY_VN, ['co-producer']],
        [IDS.REMAKE, ['producer']],
      ].sort((a, b) => (a[0] === IDS.MISS_GRANNY_VN ? -1 : 1) - (b[0] === IDS.MISS_GRANNY_VN ? -1 : 1)),
    );
    const franchise = cj.deals.find((d) => d.dealId === IDS.FRANCHISE)!;
    expect(franchise).toMatchObject({ side: 'rights-holder', dealType: 'localization-franchise', dealName: 'One Source Multi Territory' });
    expect(franchise.works.map((w) => [w.workId, w.role, w.territory])).toEqual([
      [IDS.MISS_GRANNY, 'source', null],
      [IDS.MISS_GRANNY_VN, 'subject', 'VN'],
      [IDS.MISS_GRANNY_JP, 'subject', 'JP'],
    ]);
    const jerrygood = (await getCompanyPortfolio(db.pool, IDS.JERRYGOOD))!;
    expect(jerrygood.works.map((w) => w.workId)).toEqual([IDS.MOTHER]);
    expect(await getCompanyPortfolio(db.pool, uuid(4242))).toBeNull();
  });

  it('getPersonAttachments: current first, detachments and moves with their notes', async () => {
    const lee = (await getPersonAttachments(db.pool, IDS.LEE_KWANG_SOO))!;
    expect(lee.person).toMatchObject({ name: 'Lee Kwang-soo' });
    expect(lee.attachments.map((a) => [a.workId, a.state, a.current])).toEqual([
      [IDS.MOTHER, 'attached', true],
      [IDS.REMAKE, 'moved', false],
    ]);
    expect(lee.attachments[1]).toMatchObject({ movedToWorkId: IDS.MOTHER, note: 'Lee Kwang-soo leads Going to Abandon My Mother', workTitle: 'Save the Green Planet!' });
    const jang = (await getPersonAttachments(db.pool, IDS.JANG, { includeDeprecated: false }))!;
    expect(jang.attachments.map((a) => [a.role, a.state, a.detached?.reason ?? null])).toEqual([
      ['director', 'detached', 'stays on as executive producer'],
      ['executive-producer', 'attached', null],
    ]);
  });

  it('as of a log position, every query answers from the row versions true then: before a correction the desk\'s first statement, after it the fix', async () => {
    const position = (type: string, workId: string) => Number(events.find((e) => e.type === type && e.streamId === `work-${workId}`)!.globalPosition);
    const corrected = position('MilestoneCorrected', IDS.REMAKE);
    const notesAt = async (at: number) => (await getProjectStatus(db.pool, IDS.REMAKE, { at, now }))!.notes.map((n) => n.note);
    expect(await notesAt(corrected - 1)).not.toContain('development began in 2018: seven years by 2025');
    expect(await notesAt(corrected)).toContain('development began in 2018: seven years by 2025');
    const timelineAt = async (at: number) => (await getTimeline(db.pool, IDS.REMAKE, { at }))!.entries.filter((e) => e.label === 'Development began').map((e) => `${e.occurredAt.date}${e.current ? '' : ' ×'}`);
    expect(await timelineAt(corrected - 1)).toEqual(['2019']);
    expect(await timelineAt(corrected)).toEqual(['2018', '2019 ×']);

    // moves: before the move, Lee Kwang-soo is attached to the remake; after it, to the co-production
    const moved = position('TalentAttachmentMovedOut', IDS.REMAKE);
    const leeAt = async (at: number) => (await getPersonAttachments(db.pool, IDS.LEE_KWANG_SOO, { at }))!.attachments.map((a) => [a.workId, a.state]);
    expect(await leeAt(moved - 1)).toEqual([[IDS.REMAKE, 'attached']]);
    expect(await leeAt(moved + 1)).toEqual([
      [IDS.MOTHER, 'attached'],
      [IDS.REMAKE, 'moved'],
    ]);
    expect((await listProjects(db.pool, { personId: IDS.LEE_KWANG_SOO }, { at: moved - 1 })).items.map((p) => p.workId)).toEqual([IDS.REMAKE]);

    // lists: nothing before the first registration; the co-production only once it was registered
    expect((await listProjects(db.pool, {}, { at: 0 })).items).toEqual([]);
    const registered = position('WorkRegistered', IDS.MOTHER);
    const idsAt = async (at: number) => (await listProjects(db.pool, { limit: 100 }, { at })).items.map((p) => p.workId);
    expect(await idsAt(registered - 1)).not.toContain(IDS.MOTHER);
    expect(await idsAt(registered)).toContain(IDS.MOTHER);
    expect(await getProjectStatus(db.pool, IDS.MOTHER, { at: registered - 1 })).toBeNull();
    expect((await getProjectStatus(db.pool, IDS.MOTHER, { at: registered }))!.streamVersion).toBe(1);

    // the remake map and the portfolio as of before the Japanese version's relation was corrected into the franchise
    const relationFixed = position('WorkRelationCorrected', IDS.MISS_GRANNY_JP);
    const versionsAt = async (at: number) => (await getRemakeMap(db.pool, IDS.MISS_GRANNY, { at }))!.versions.map((v) => [v.workId, v.dealId]);
    expect(await versionsAt(relationFixed)).toContainEqual([IDS.MISS_GRANNY_JP, IDS.FRANCHISE]);
    expect(await versionsAt(relationFixed - 1)).not.toContainEqual([IDS.MISS_GRANNY_JP, IDS.FRANCHISE]);
    expect(await getCompanyPortfolio(db.pool, IDS.CJ_ENM, { at: 0 })).toBeNull();
    expect((await getFreshness(db.pool, { at: corrected })).globalPosition).toBe(String(corrected));
  });

  it('getFreshness: the last applied global position and when it was recorded', async () => {
    const freshness = await getFreshness(db.pool);
    expect(Number(events.at(-1)!.globalPosition)).toBeLessThan(1005);
    expect(freshness).toMatchObject({ globalPosition: '1005', recordedAt: '2025-07-01T00:00:00.000Z' });
  });
});

describe('a work merged into another (after the scenario: the Vietnamese version merged into the Japanese one)', () => {
  const lastOf = (streamId: string) => events.filter((e) => e.streamId === streamId).at(-1)!;
  const mergeEvent = (workId: string, type: string, data: Record<string, unknown>, globalPosition: number): PublishedEvent => {
    const last = lastOf(`work-${workId}`);
    const eventId = uuid(7_000 + globalPosition);
    const recordedAt = '2025-08-01T00:00:00.000Z';
    return { ...last, eventId, type, streamVersion: last.streamVersion + 1, globalPosition: String(globalPosition), recordedAt, data: { workId, mergeId: 'merge-vn', note: 'one film', ...data }, metadata: { ...last.metadata, eventId, recordedAt } };
  };
  const [duplicate, survivor] = [IDS.MISS_GRANNY_VN, IDS.MISS_GRANNY_JP];
  const before = 1005;
  const merged = 1021;

  beforeAll(async () => {
    const outcomes = await applyAll([mergeEvent(duplicate, 'WorkMerged', { survivorId: survivor }, 1020), mergeEvent(survivor, 'WorkAbsorbed', { duplicateId: duplicate }, merged)]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied']);
  });

  it("the survivor's card, timeline and the company's portfolio show the duplicate's credit and deal under the survivor, with workMergedFrom; as of before, apart", async () => {
    const card = (await getProjectStatus(db.pool, survivor))!;
    expect(card.companiesByRole['co-producer']).toEqual([expect.objectContaining({ organizationId: IDS.CJ_ENM, workMergedFrom: duplicate })]);
    expect(card.mergedWorks).toEqual([{ workId: duplicate, primaryTitle: 'Em Là Bà Nội Của Anh' }]);
    expect((await getProjectStatus(db.pool, survivor, { at: before }))!.companiesByRole['co-producer']).toBeUndefined();

    const deals = (await getTimeline(db.pool, survivor))!.entries.filter((e) => e.kind === 'deal-announced');
    expect(deals.map((e) => [e.subject?.id, e.details.territory, e.workMergedFrom ?? null]).sort()).toEqual([
      [IDS.FRANCHISE, 'JP', null],
      [IDS.FRANCHISE, 'VN', duplicate],
    ]);
    expect((await getTimeline(db.pool, survivor, { at: before }))!.entries.filter((e) => e.workMergedFrom)).toEqual([]);

    const cj = (await getCompanyPortfolio(db.pool, IDS.CJ_ENM))!;
    expect(cj.works.find((w) => w.workId === survivor)).toMatchObject({ primaryTitle: 'あやしい彼女', credits: [expect.objectContaining({ role: 'co-producer', workMergedFrom: duplicate })] });
    expect(cj.works.map((w) => w.workId)).not.toContain(duplicate);
    const franchise = cj.deals.find((d) => d.dealId === IDS.FRANCHISE)!;
    expect(franchise.works.map((w) => [w.workId, w.territory, w.mergedFrom ?? null])).toEqual([
      [IDS.MISS_GRANNY, null, null],
      [survivor, 'VN', duplicate],
      [survivor, 'JP', null],
    ]);
    expect(franchise.dealStanding).toBe('reported');
    const cjBefore = (await getCompanyPortfolio(db.pool, IDS.CJ_ENM, { at: before }))!;
    expect(cjBefore.works.map((w) => w.workId)).toContain(duplicate);
  });

  it('project filters and the remake map find the survivor by the duplicate\'s facts; as of before, the duplicate', async () => {
    expect((await listProjects(db.pool, { companyId: IDS.CJ_ENM, country: 'VN', countryOf: ['credit', 'deal', 'release'] })).items.map((p) => p.workId)).toContain(survivor);
    const cjWorks = async (at?: number) => (await listProjects(db.pool, { companyId: IDS.CJ_ENM, limit: 100 }, at === undefined ? undefined : { at })).items.map((p) => p.workId);
    expect(await cjWorks()).toEqual(expect.arrayContaining([survivor]));
    expect(await cjWorks()).not.toContain(duplicate);
    expect(await cjWorks(before)).toContain(duplicate);
    const versions = (await getRemakeMap(db.pool, IDS.MISS_GRANNY))!.versions.map((v) => [v.workId, v.relationStanding, v.mergedFrom ?? null]);
    expect(versions).toEqual([[survivor, 'reported', null]]);
    expect((await getRemakeMap(db.pool, IDS.MISS_GRANNY, { at: before }))!.versions.map((v) => v.workId)).toEqual([duplicate, survivor]);
  });
});
