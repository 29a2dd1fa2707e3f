import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { applyMessage } from '../engine/pg-apply.js';
import { findLikelyDuplicateWorks, listProjects } from '../project-status/project-status.queries.js';
import { READ_MODELS } from '../read-models.js';
import { nameSearchSql, InvalidCursorError } from '../shared/name-search.js';
import { buildScenario, IDS, publishScenario, uuid } from '../testing/scenario.js';
import { DUPLICATE_SIMILARITY_THRESHOLD, findLikelyDuplicates, searchOrganizations, searchPeople } from './lookups.queries.js';

let db: TestDatabase;
const scenario = publishScenario(buildScenario());
let position = Math.max(...scenario.map((e) => Number(e.globalPosition)));
const versions = new Map<string, number>();

/** An event of a person or organization stream, at the next global position. */
function event(streamType: 'person' | 'organization', id: string, type: string, data: Record<string, unknown>): PublishedEvent {
  position += 1;
  const streamId = `${streamType}-${id}`;
  const version = (versions.get(streamId) ?? 0) + 1;
  versions.set(streamId, version);
  const recordedAt = new Date(Date.UTC(2025, 8, 1, 0, 0, position)).toISOString();
  const eventId = uuid(50_000 + position);
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamType,
    streamVersion: version,
    globalPosition: String(position),
    recordedAt,
    data: { [`${streamType}Id`]: id, ...data },
    metadata: { eventId, actor: { id: 'editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source: { publisher: 'Variety' }, recordedAt, schemaVersion: 1 },
  };
}

const name = (nameId: string, text: string, language: string, primary = false) => ({ nameId, text, language, primary });
const person = (id: string, ...names: ReturnType<typeof name>[]) => event('person', id, 'PersonRegistered', { names, nationalities: [] });
const organization = (id: string, ...names: ReturnType<typeof name>[]) => event('organization', id, 'OrganizationRegistered', { names, kind: 'studio', country: 'KR' });

const P = {
  HA: uuid(70_001),
  HA_ANH_TUAN: uuid(70_002),
  NGUYEN_THI_HA: uuid(70_003),
  SHAH_RUKH_KHAN: uuid(70_004),
  BONG_JOON_HO: uuid(70_005),
  WITHDRAWN_HA: uuid(70_006),
};
const O = { TOHO: uuid(71_001), STUDIO_DRAGON: uuid(71_002) };

async function apply(list: readonly PublishedEvent[]) {
  const client = await db.pool.connect();
  try {
    for (const e of list) expect((await applyMessage(client, 'read_models', READ_MODELS, { value: e })).outcome).toBe('applied');
  } finally {
    client.release();
  }
}

let beforeAlternateName: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await apply(scenario);
  await apply([
    person(P.NGUYEN_THI_HA, name('n1', 'Nguyễn Thị Hà', 'vi', true)),
    person(P.HA_ANH_TUAN, name('n1', 'Hà Anh Tuấn', 'vi', true)),
    person(P.SHAH_RUKH_KHAN, name('n1', 'Shah Rukh Khan', 'en', true), name('n2', 'शाहरुख़ ख़ान', 'hi')),
    person(P.HA, name('n1', 'Hà', 'vi', true)),
    person(P.BONG_JOON_HO, name('n1', 'Bong Joon-ho', 'en', true)),
    person(P.WITHDRAWN_HA, name('n1', 'Ha Withdrawn', 'en', true)),
    event('person', P.WITHDRAWN_HA, 'PersonRetracted', { note: 'duplicate record' }),
    organization(O.TOHO, name('n1', 'Toho', 'en', true), name('n2', '東宝', 'ja')),
    organization(O.STUDIO_DRAGON, name('n1', 'Studio Dragon', 'en', true)),
  ]);
  beforeAlternateName = position;
  await apply([
    event('person', P.BONG_JOON_HO, 'PersonNameAdded', { nameId: 'n2', text: '봉준호', language: 'ko' }),
    event('organization', O.STUDIO_DRAGON, 'OrganizationNameAdded', { nameId: 'n2', text: '스튜디오드래곤', language: 'ko' }),
  ]);
});
afterAll(async () => {
  await db?.drop();
});

const names = (page: { items: { primaryName: string | null }[] }) => page.items.map((p) => p.primaryName);

describe('searching people by name', () => {
  it('finds "ha" without diacritics: the exact name, then names starting with it, then a word starting with it, then other substrings', async () => {
    const page = await searchPeople(db.pool, { q: 'ha' });
    expect(names(page)).toEqual(['Hà', 'Hà Anh Tuấn', 'Nguyễn Thị Hà', 'Shah Rukh Khan']);
    expect(page.items.map((p) => p.match?.kind)).toEqual(['exact', 'prefix', 'word-prefix', 'substring']);
    expect(page.nextCursor).toBeNull();
  });

  it('finds a Vietnamese name typed without diacritics, in capitals, and in decomposed (NFD) form', async () => {
    for (const q of ['nguyen thi ha', 'NGUYEN THI HA', 'Nguyễn Thị Hà'.normalize('NFD'), 'Nguyễn Thị Hà']) {
      const page = await searchPeople(db.pool, { q });
      expect({ q, first: page.items[0] }).toEqual({ q, first: expect.objectContaining({ personId: P.NGUYEN_THI_HA, match: expect.objectContaining({ kind: 'exact' }) }) });
    }
  });

  it('tolerates a typo in an English name and ignores punctuation', async () => {
    const typo = await searchPeople(db.pool, { q: 'Bong Jun-ho' });
    expect(typo.items.map((p) => [p.personId, p.match?.kind])).toEqual([[P.BONG_JOON_HO, 'similar']]);
    expect(typo.items[0]!.match!.similarity).toBeGreaterThanOrEqual(0.5);
    // The exact name first; a similar one ("Jang Joon-hwan", a director of the scenario) after it.
    expect((await searchPeople(db.pool, { q: 'bong joon ho' })).items.map((p) => [p.primaryName, p.match?.kind])).toEqual([
      ['Bong Joon-ho', 'exact'],
      ['Jang Joon-hwan', 'similar'],
    ]);
  });

  it('finds a person by an alternate name in Hangul or Devanagari, whole or in part', async () => {
    expect((await searchPeople(db.pool, { q: '봉준호' })).items.map((p) => [p.primaryName, p.match?.kind])).toEqual([['Bong Joon-ho', 'exact']]);
    expect((await searchPeople(db.pool, { q: '준호' })).items.map((p) => [p.primaryName, p.match?.kind])).toEqual([['Bong Joon-ho', 'substring']]);
    expect(names(await searchPeople(db.pool, { q: 'शाहरुख़' }))).toEqual(['Shah Rukh Khan']);
  });

  it('leaves out withdrawn people, and finds nothing for a query that folds to nothing', async () => {
    expect(names(await searchPeople(db.pool, { q: 'withdrawn' }))).toEqual([]);
    expect(names(await searchPeople(db.pool, { q: 'withdrawn', includeWithdrawn: true }))).toEqual(['Ha Withdrawn']);
    expect(names(await searchPeople(db.pool, { q: ' - ' }))).toEqual([]);
  });

  it('pages through the ranked results with the cursor, and refuses a cursor it did not make', async () => {
    const first = await searchPeople(db.pool, { q: 'ha', limit: 3 });
    expect(names(first)).toEqual(['Hà', 'Hà Anh Tuấn', 'Nguyễn Thị Hà']);
    const second = await searchPeople(db.pool, { q: 'ha', limit: 3, cursor: first.nextCursor! });
    expect(names(second)).toEqual(['Shah Rukh Khan']);
    expect(second.nextCursor).toBeNull();
    await expect(searchPeople(db.pool, { q: 'ha', cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('without q, lists everyone by primary name, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchPeople(db.pool, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.personId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const { rows } = await db.pool.query<{ person_id: string }>(
      `SELECT person_id FROM read_models.person_names WHERE NOT withdrawn ORDER BY public.search_key(coalesce(primary_name, '')) COLLATE "C", person_id`,
    );
    expect(seen).toEqual(rows.map((r) => r.person_id));
    expect(seen).toContain(P.NGUYEN_THI_HA);
  });

  it('as of a past position, searches the names true then', async () => {
    expect(names(await searchPeople(db.pool, { q: '봉준호' }, { at: beforeAlternateName }))).toEqual([]);
    expect(names(await searchPeople(db.pool, { q: 'bong joon ho' }, { at: beforeAlternateName }))).toEqual(['Bong Joon-ho', 'Jang Joon-hwan']);
  });

  it('can answer from the trigram index', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const values: unknown[] = [];
      const search = nameSearchSql('public.names_search_key(n.names)', 'bong jun ho', (v) => `$${values.push(v)}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT person_id FROM read_models.person_names n WHERE ${search.where}`, values);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('person_names_search_idx');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('searching organizations by name', () => {
  it('finds a company by its Japanese (CJK) name and a Korean one by its Hangul name or a part of it', async () => {
    expect((await searchOrganizations(db.pool, { q: '東宝' })).items.map((o) => [o.organizationId, o.match?.kind])).toEqual([[O.TOHO, 'exact']]);
    expect((await searchOrganizations(db.pool, { q: '스튜디오' })).items.map((o) => [o.organizationId, o.match?.kind])).toEqual([[O.STUDIO_DRAGON, 'prefix']]);
    expect((await searchOrganizations(db.pool, { q: 'STUDIO DRAGN' })).items.map((o) => [o.organizationId, o.match?.kind])).toEqual([[O.STUDIO_DRAGON, 'similar']]);
  });
});

describe('searching projects by title', () => {
  it('finds a Vietnamese title typed without diacritics (đ included), and an English title with a typo, ranked', async () => {
    const mother = await listProjects(db.pool, { text: 'me di bo' });
    expect(mother.items.map((p) => [p.workId, p.match?.kind])).toEqual([[IDS.MOTHER, 'word-prefix']]);
    expect((await listProjects(db.pool, { text: 'MANG ME DI BO' })).items.map((p) => [p.workId, p.match?.kind])).toEqual([[IDS.MOTHER, 'exact']]);
    const planet = await listProjects(db.pool, { text: 'green planit' });
    expect(planet.items.map((p) => p.workId).sort()).toEqual([IDS.ORIGINAL, IDS.REMAKE].sort());
    expect(planet.items.every((p) => p.match?.kind === 'similar')).toBe(true);
  });

  it('pages ranked projects with the cursor and refuses a title-order cursor for a text search', async () => {
    const first = await listProjects(db.pool, { text: 'green planet', limit: 1 });
    const second = await listProjects(db.pool, { text: 'green planet', limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((p) => p.workId).sort()).toEqual([IDS.ORIGINAL, IDS.REMAKE].sort());
    expect(second.nextCursor).toBeNull();
    const byTitle = await listProjects(db.pool, { limit: 1 });
    await expect(listProjects(db.pool, { text: 'green planet', cursor: byTitle.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('likely duplicates of a registration (the admin API refuses them unless confirmed distinct)', () => {
  const found = async (kind: 'person' | 'organization', ...texts: string[]) => (await findLikelyDuplicates(db.pool, kind, texts)).map((c) => [c.id, c.matchedName, c.similarity]);

  it('holds the same name however it is typed, in any script, and a close spelling, most similar first', async () => {
    expect(await found('person', 'Nguyen Thi Ha')).toEqual([[P.NGUYEN_THI_HA, 'Nguyễn Thị Hà', 1]]);
    expect(await found('person', 'Someone Else', '봉준호')).toEqual([[P.BONG_JOON_HO, '봉준호', 1]]);
    const typo = await findLikelyDuplicates(db.pool, 'person', ['Bong Jun-ho']);
    expect(typo.map((c) => c.id)).toEqual([P.BONG_JOON_HO]);
    expect(typo[0]!.similarity).toBeGreaterThanOrEqual(DUPLICATE_SIMILARITY_THRESHOLD);
    expect(typo[0]!.similarity).toBeLessThan(1);
    expect(await found('organization', 'TOHO')).toEqual([[O.TOHO, 'Toho', 1]]);
  });

  it('does not hold a name that merely shares a word, a record of another kind, or a withdrawn record', async () => {
    // "Hà" is a word of three names, but only the person named just "Hà" is that close.
    expect((await found('person', 'Ha')).map(([id]) => id)).toEqual([P.HA]);
    expect(await found('organization', 'Bong Joon-ho')).toEqual([]);
    expect(await found('person', 'Ha Withdrawn')).toEqual([]);
    expect(await found('person', '   ')).toEqual([]);
  });
});

describe('likely duplicates of a work registration: the same film, not its remakes', () => {
  const film = { kind: 'feature-film', originalLanguage: 'ko' };
  const found = async (identity: { kind: string; originalLanguage: string; productionYear?: number }, ...titles: string[]) =>
    (await findLikelyDuplicateWorks(db.pool, identity, titles)).map((c) => [c.id, c.matchedTitle]);

  it('holds a Korean film of 2003 registered again by its English release title, or with no year', async () => {
    expect(await found({ ...film, productionYear: 2003 }, 'Save the Green Planet')).toEqual([[IDS.ORIGINAL, 'Save the Green Planet!']]);
    expect(await found(film, 'Save the Green Planet!')).toEqual([[IDS.ORIGINAL, 'Save the Green Planet!']]);
    expect(await found(film, 'Miss Granny')).toEqual([[IDS.MISS_GRANNY, 'Miss Granny']]);
  });

  it('does not hold a remake in another language, a namesake of another year, or another kind', async () => {
    // The Hollywood remake shares the English title; in English it finds only the remake already registered, not the original.
    expect(await found({ ...film, originalLanguage: 'en' }, 'Save the Green Planet!')).toEqual([[IDS.REMAKE, 'Save the Green Planet!']]);
    expect(await found({ ...film, productionYear: 2021 }, 'Save the Green Planet!')).toEqual([]);
    expect(await found({ ...film, kind: 'series' }, 'Save the Green Planet!')).toEqual([]);
    expect(await found({ ...film, originalLanguage: 'vi' }, 'Miss Granny')).toEqual([]);
  });
});
