import { randomUUID } from 'node:crypto';
import { eventUpcasters } from '../libs/contracts/src/upcasters.js';
import { PostgresEventStore } from '../libs/event-store/src/index.js';
import { testEvent } from '../libs/event-store/src/test-events.js';
import { ADMIN, AUDITOR, BETTER_SOURCE, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

interface Entry {
  globalPosition: string;
  streamId: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  storedSchemaVersion?: number;
  recordedAt: string;
  occurredAt?: { date: string; precision: string };
  actor: { id: string; role: string };
  source: { publisher: string };
  data: Record<string, unknown>;
  correctionChain: {
    fixes?: { kind: string; fact: { streamId: string; type: string; id: string }; replacement?: { streamId: string; id: string }; statedBy: Array<{ eventId: string; type: string }> };
    fixedBy: Array<{ eventId: string; type: string; kind: string; note?: string }>;
  };
}

/**
 * The auditors' history over HTTP: the global feed's filters and paging, correction chains (a correction, a retraction
 * and a credit move name what they fixed; the original names what fixed it), the per-aggregate history agreeing, and
 * an event stored at an old schema version shown upcast.
 */
describe('admin API: history for auditors', () => {
  let api: TestAdminApi;
  const post = (path: string, body: object, auth = EDITOR) => api.http().post(path).set('Authorization', auth).send(body);
  const get = (path: string, auth = AUDITOR) => api.http().get(path).set('Authorization', auth);
  const feed = async (query: string): Promise<{ entries: Entry[]; nextCursor?: string; order: string }> => {
    const response = await get(`/history${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  /** Every entry of the feed, walking the pages. */
  const everything = async (query = ''): Promise<Entry[]> => {
    const all: Entry[] = [];
    let cursor: string | undefined;
    do {
      const page = await feed(`?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };

  const original = randomUUID();
  const remake = randomUUID();
  let company: string;
  let creditId: string;
  let movedCreditId: string;
  let attachmentId: string;

  beforeAll(async () => {
    api = await startTestAdminApi();
    await post('/works', {
      workId: original,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      titles: [{ text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true }],
      status: 'released',
      statusEffective: { date: '2003-04-04', precision: 'day' },
      source: BRIEF,
    }).expect(201);
    await post('/works', {
      workId: remake,
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US', 'KR'],
      titles: [{ text: 'Save the Green Planet!', language: 'en', class: 'working' }],
      status: 'in-development',
      statusEffective: { date: '2018', precision: 'year' },
      source: BRIEF,
    }).expect(201);
    company = (await post('/organizations', { kind: 'production-company', country: 'KR', names: [{ text: 'CJ ENM', language: 'en' }], source: BRIEF }).expect(201)).body.id;
    const director = (await post('/people', { names: [{ text: 'Jang Joon-hwan', language: 'ko-Latn' }], nationalities: ['KR'], source: BRIEF }).expect(201)).body.id;

    await post(`/works/${remake}/milestones`, { label: 'Development', kind: 'development-start', date: { date: '2019', precision: 'year' }, source: BRIEF }).expect(200);
    await post(`/works/${remake}/milestones`, { label: 'Script', kind: 'script', date: { date: '2019-06-15', precision: 'day' }, source: BRIEF }).expect(200);

    await post(`/works/${remake}/credits`, { organizationId: company, role: 'producer', country: 'KR', source: BRIEF }).expect(200);
    await post(`/works/${original}/credits`, { organizationId: company, role: 'distributor', country: 'KR', source: BRIEF }).expect(200);
    await post(`/works/${remake}/attachments`, { personId: director, role: 'director', source: BRIEF }).expect(200);
    const remakeState = (await get(`/works/${remake}`)).body.state;
    creditId = remakeState.credits[0].creditId;
    attachmentId = remakeState.attachments[0].attachmentId;
    movedCreditId = (await get(`/works/${original}`)).body.state.credits[0].creditId;

    // the fixes, by the admin, citing a better source
    await post(`/works/${remake}/corrections`, { fact: { type: 'company-credit', id: creditId }, changes: { role: 'co-producer' }, note: 'CJ ENM co-produces', source: BETTER_SOURCE }, ADMIN).expect(200);
    await post(`/works/${remake}/retractions`, { fact: { type: 'talent-attachment', id: attachmentId }, note: 'Never attached: a rumour', source: BETTER_SOURCE }, ADMIN).expect(200);
    await post(`/works/${original}/credits/${movedCreditId}/move`, { targetWorkId: remake, note: 'Distributes the remake, not the original', source: BETTER_SOURCE }, ADMIN).expect(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is readable with an auditor or an editor key, not without a key; a malformed filter is a 400 naming it', async () => {
    expect((await get('/history', AUDITOR)).status).toBe(200);
    expect((await get('/history', EDITOR)).status).toBe(200);
    expect((await api.http().get('/history')).status).toBe(401);
    const bad = await get('/history?occurredFrom=2018-13&order=sideways&cursor=abc&limit=0&recordedFrom=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cursor', 'limit', 'occurredFrom', 'order', 'recordedFrom']);
    expect((await get('/history?unknown=1')).status).toBe(400);
    expect((await get('/history?recordedFrom=2025-11-25T00:00:00Z&recordedTo=2025-11-24T00:00:00Z')).status).toBe(400);
  });

  it('pages newest-first (default) and oldest-first by global position with nextCursor, every event exactly once', async () => {
    const all = await everything();
    const positions = all.map((e) => BigInt(e.globalPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    const { rows } = await api.db.pool.query('SELECT count(*)::int AS n FROM events');
    expect(all).toHaveLength(rows[0].n);

    const pages: Entry[][] = [];
    let cursor: string | undefined;
    do {
      const page = await feed(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.every((page) => page.length <= 3)).toBe(true);
    expect(pages.flat().map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));

    const ascending: Entry[] = [];
    cursor = undefined;
    do {
      const page = await feed(`?order=asc&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.order).toBe('asc');
      ascending.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    expect(ascending.map((e) => e.eventId)).toEqual([...all].reverse().map((e) => e.eventId));
  });

  it('filters by actor, by event type (repeated or comma-separated), by aggregate type and by stream', async () => {
    const byAdmin = await everything('&actor=dev-admin');
    expect(byAdmin.map((e) => e.type).sort()).toEqual(['CompanyCreditCorrected', 'CompanyCreditMovedIn', 'CompanyCreditMovedOut', 'WorkFactRetracted']);
    expect(byAdmin.every((e) => e.actor.id === 'dev-admin')).toBe(true);
    expect(await everything('&actor=nobody')).toEqual([]);

    const repeated = await everything('&type=CompanyCreditCorrected&type=WorkFactRetracted');
    const commas = await everything('&type=CompanyCreditCorrected,WorkFactRetracted');
    expect(repeated.map((e) => e.type).sort()).toEqual(['CompanyCreditCorrected', 'WorkFactRetracted']);
    expect(commas.map((e) => e.eventId)).toEqual(repeated.map((e) => e.eventId));

    expect((await everything('&aggregateType=organization')).map((e) => e.type)).toEqual(['OrganizationRegistered']);
    const stream = await everything(`&streamId=work-${original}`);
    expect(stream.every((e) => e.streamId === `work-${original}`)).toBe(true);
    expect(stream.map((e) => e.type)).toEqual(['CompanyCreditMovedOut', 'CompanyCreditAdded', 'WorkRegistered']);
  });

  it('filters by recordedAt range (inclusive bounds)', async () => {
    const all = (await everything()).reverse();
    const from = all[3]!;
    const to = all[6]!;
    const slice = await everything(`&order=asc&recordedFrom=${from.recordedAt}&recordedTo=${to.recordedAt}`);
    const expected = all.filter((e) => e.recordedAt >= from.recordedAt && e.recordedAt <= to.recordedAt);
    expect(slice.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    expect(slice.length).toBeGreaterThanOrEqual(4);
    expect(await everything('&recordedTo=2000-01-01T00:00:00Z')).toEqual([]);
  });

  it('filters by occurredAt range, comparing partial dates by their start', async () => {
    const label = (e: Entry) => `${e.type}:${e.occurredAt?.date}`;
    // '2018' … '2018' is 2018-01-01 … 2018-01-01: the remake registered "in development since 2018"
    expect((await everything('&occurredFrom=2018&occurredTo=2018')).map(label)).toEqual(['WorkRegistered:2018']);
    // from 2019-06 (2019-06-01): the script on 2019-06-15, not "2019" (2019-01-01)
    expect((await everything('&occurredFrom=2019-06')).map(label)).toEqual(['MilestoneRecorded:2019-06-15']);
    // up to 2019-06 (2019-06-01): 2003-04-04, 2018 and 2019 are in, 2019-06-15 is out; events without occurredAt never are
    expect((await everything('&order=asc&occurredTo=2019-06')).map(label)).toEqual(['WorkRegistered:2003-04-04', 'WorkRegistered:2018', 'MilestoneRecorded:2019']);
  });

  it('filters by source publisher, case-insensitively', async () => {
    const better = await everything(`&publisher=${encodeURIComponent(BETTER_SOURCE.publisher.toUpperCase())}`);
    expect(better.map((e) => e.type).sort()).toEqual(['CompanyCreditCorrected', 'CompanyCreditMovedIn', 'CompanyCreditMovedOut', 'WorkFactRetracted']);
    expect(better.every((e) => e.source.publisher === BETTER_SOURCE.publisher)).toBe(true);
    const brief = await everything(`&publisher=${encodeURIComponent(BRIEF.publisher.toLowerCase())}`);
    expect(brief.length).toBeGreaterThan(5);
    expect(brief.every((e) => e.source.publisher === BRIEF.publisher)).toBe(true);
  });

  it('shows correction chains: the correction, the retraction and the move name what they fixed; the originals name what fixed them', async () => {
    const all = await everything();
    const one = (predicate: (e: Entry) => boolean) => {
      const found = all.filter(predicate);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const creditAdded = one((e) => e.type === 'CompanyCreditAdded' && e.data.creditId === creditId);
    const correction = one((e) => e.type === 'CompanyCreditCorrected');
    expect(correction.correctionChain.fixes).toMatchObject({
      kind: 'correction',
      fact: { streamId: `work-${remake}`, type: 'company-credit', id: creditId },
      replacement: { streamId: `work-${remake}` },
      statedBy: [{ eventId: creditAdded.eventId, type: 'CompanyCreditAdded' }],
    });
    expect(creditAdded.correctionChain.fixedBy).toEqual([expect.objectContaining({ eventId: correction.eventId, kind: 'correction', note: 'CJ ENM co-produces' })]);

    const attached = one((e) => e.type === 'TalentAttached');
    const retraction = one((e) => e.type === 'WorkFactRetracted');
    expect(retraction.correctionChain.fixes).toMatchObject({ kind: 'retraction', fact: { type: 'talent-attachment', id: attachmentId }, statedBy: [{ eventId: attached.eventId }] });
    expect(attached.correctionChain.fixedBy).toEqual([expect.objectContaining({ eventId: retraction.eventId, kind: 'retraction', note: 'Never attached: a rumour' })]);

    const distributed = one((e) => e.type === 'CompanyCreditAdded' && e.data.creditId === movedCreditId);
    const movedOut = one((e) => e.type === 'CompanyCreditMovedOut');
    const movedIn = one((e) => e.type === 'CompanyCreditMovedIn');
    for (const half of [movedOut, movedIn]) {
      expect(half.correctionChain.fixes).toMatchObject({
        kind: 'move',
        fact: { streamId: `work-${original}`, type: 'company-credit', id: movedCreditId },
        replacement: { streamId: `work-${remake}`, id: movedIn.data.creditId },
        statedBy: [{ eventId: distributed.eventId }],
      });
    }
    expect(distributed.correctionChain.fixedBy.map((f) => [f.eventId, f.kind])).toEqual([
      [movedOut.eventId, 'move'],
      [movedIn.eventId, 'move'],
    ]);
    // nothing fixed the fixes, nor the untouched events
    expect(correction.correctionChain.fixedBy).toEqual([]);
    expect(one((e) => e.type === 'OrganizationRegistered').correctionChain).toEqual({ fixedBy: [] });
  });

  it('the per-aggregate history carries the same correction chains as the global feed, also across a move', async () => {
    const all = new Map((await everything()).map((e) => [e.eventId, e.correctionChain]));
    for (const workId of [original, remake]) {
      const history = await get(`/works/${workId}/history`);
      expect(history.status).toBe(200);
      for (const entry of history.body.entries as Entry[]) expect({ type: entry.type, chain: entry.correctionChain }).toEqual({ type: entry.type, chain: all.get(entry.eventId) });
    }
    // and a filtered page (one event alone) still finds the whole chain
    const [moved] = (await feed('?type=CompanyCreditAdded&limit=500')).entries.filter((e) => e.data.creditId === movedCreditId);
    expect(moved!.correctionChain).toEqual(all.get(moved!.eventId));
  });

  it('shows an event stored at an old schema version upcast, in history and in the folded aggregate; the row stays as stored', async () => {
    // v1 of MilestoneRecorded called the label `title`; the contract and the domain now say v2 with `label`
    const remove = eventUpcasters.register({ type: 'MilestoneRecorded', fromVersion: 1, upcast: ({ title, ...rest }) => ({ ...rest, label: title }) });
    try {
      const workId = randomUUID();
      await post('/works', { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: '써니', language: 'ko-Kore', class: 'original' }], source: BRIEF }).expect(201);
      const milestoneId = randomUUID();
      await new PostgresEventStore(api.db.pool).append({ id: `work-${workId}`, type: 'work' }, 1, [
        testEvent('MilestoneRecorded', { workId, milestoneId, kind: 'development-start', date: { date: '2010', precision: 'year' }, title: 'Old shape' }, { schemaVersion: 1 }),
      ]);

      const state = (await get(`/works/${workId}`)).body.state;
      expect(state.milestones).toEqual([expect.objectContaining({ milestoneId, label: 'Old shape' })]);
      const history = (await get(`/works/${workId}/history`)).body.entries as Entry[];
      expect(history[1]).toMatchObject({ type: 'MilestoneRecorded', schemaVersion: 2, storedSchemaVersion: 1, data: { label: 'Old shape' } });
      expect(history[1]!.data).not.toHaveProperty('title');
      const [fromFeed] = (await feed(`?streamId=work-${workId}&type=MilestoneRecorded`)).entries;
      expect(fromFeed).toMatchObject({ schemaVersion: 2, storedSchemaVersion: 1, data: { label: 'Old shape' } });

      // a new milestone is written at v2; the old row is unchanged
      await post(`/works/${workId}/milestones`, { label: 'New shape', kind: 'script', date: { date: '2011', precision: 'year' }, source: BRIEF }).expect(200);
      const { rows } = await api.db.pool.query("SELECT schema_version, data->>'title' AS title, data->>'label' AS label FROM events WHERE stream_id = $1 AND type = 'MilestoneRecorded' ORDER BY stream_version", [`work-${workId}`]);
      expect(rows).toEqual([
        { schema_version: 1, title: 'Old shape', label: null },
        { schema_version: 2, title: null, label: 'New shape' },
      ]);
    } finally {
      remove();
    }
  });
});
