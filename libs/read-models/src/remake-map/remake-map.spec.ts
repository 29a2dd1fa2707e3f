import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import type { MemoryProjectionStore } from '../engine/memory-store.js';
import { expectAsOfEqualsReplay, givenEvents, type ProjectionSpec } from '../engine/testing/projection-spec.js';
import { canonicalRows, expectedRows } from '../testing/expected-rows.js';
import { randomLog } from '../testing/random-log.js';
import { buildScenario, publishScenario, uuid } from '../testing/scenario.js';
import { remakeMapProjection, WORK_RELATIONS } from './remake-map.handlers.js';

// ---- event builders ---------------------------------------------------------------------------------------------------

const source = { publisher: 'Variety' };
const y = (date: string) => ({ date, precision: 'year' as const });
let position = 0;
let ids = 0;

/** A work stream's events, numbered as the relay publishes them (global positions shared by every stream of the file). */
function newWork() {
  const workId = uuid(3_000 + ++ids);
  let version = 0;
  const event = (type: string, data: Record<string, unknown> = {}, note?: string): PublishedEvent => {
    position += 1;
    version += 1;
    const eventId = uuid(60_000 + position);
    const recordedAt = new Date(Date.UTC(2025, 0, 1) + position * 1000).toISOString();
    return {
      eventId,
      type,
      schemaVersion: 1,
      streamId: `work-${workId}`,
      streamType: 'work',
      streamVersion: version,
      globalPosition: String(position),
      recordedAt,
      data: { workId, ...data, ...(note ? { note } : {}) },
      metadata: { eventId, actor: { id: 'editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source, recordedAt, schemaVersion: 1, ...(note ? { note } : {}) },
    };
  };
  const registered = () =>
    event('WorkRegistered', {
      kind: 'feature-film',
      originalLanguage: 'ja',
      countries: ['JP'],
      externalIds: {},
      titles: [{ titleId: 't-1', text: 'あやしい彼女', language: 'ja', class: 'original', primary: true }],
      status: 'released',
      statusChangeId: 's-1',
      statusEffective: y('2016'),
    });
  return { workId, streamId: `work-${workId}`, event, registered };
}

const MISS_GRANNY = uuid(10);
const ORIGINAL = uuid(1);
const FRANCHISE = uuid(301);

// ---- then ---------------------------------------------------------------------------------------------------------------

/** The model's open rows in the reference's shape (owner_stream is the engine's stream). */
const shownRows = (store: MemoryProjectionStore, at?: number) => store.rowsAt(WORK_RELATIONS.name, at).map(({ stream, row }) => ({ owner_stream: stream, ...row }));

function allTables(store: MemoryProjectionStore, at?: number): Record<string, string[]> {
  return Object.fromEntries(remakeMapProjection.tables.map((t) => [t.name, canonicalRows(store.rowsAt(t.name, at))]));
}

function expectReference(spec: ProjectionSpec, events: readonly PublishedEvent[]): void {
  expect(canonicalRows(shownRows(spec.store))).toEqual(canonicalRows(expectedRows(events).work_relations));
}

const keysOf = (spec: ProjectionSpec, at?: number) => spec.keyed(WORK_RELATIONS.name, at).map((r) => r.key);

describe('remake map projection', () => {
  it('given a registered work, when it is related to another, then the map shows "work relation target" keyed by the relation id', async () => {
    const jp = newWork();
    const events = [jp.registered(), jp.event('WorkRelated', { relationId: 'r-jp', relation: 'remake-of', targetWorkId: MISS_GRANNY })];
    const spec = await givenEvents(remakeMapProjection, events);

    expect(spec.keyed(WORK_RELATIONS.name)).toEqual([
      { stream: jp.streamId, key: 'r-jp', row: { relation_id: 'r-jp', work_id: jp.workId, relation: 'remake-of', target_work_id: MISS_GRANNY, deal_id: null, standing: 'reported' } },
    ]);
    expectReference(spec, events);
  });

  it('given a relation, when it is corrected, then the replacement shows now and the old relation as of before the correction', async () => {
    const jp = newWork();
    const events = [jp.registered(), jp.event('WorkRelated', { relationId: 'r-jp', relation: 'remake-of', targetWorkId: MISS_GRANNY })];
    const spec = await givenEvents(remakeMapProjection, events);
    const before = position;
    const corrected = jp.event(
      'WorkRelationCorrected',
      { relationId: 'r-jp', replacementRelationId: 'r-jp-2', replacement: { relation: 'localized-version-of', targetWorkId: MISS_GRANNY, dealId: FRANCHISE } },
      'part of the localization franchise',
    );
    await spec.when(corrected);

    expect(spec.rows(WORK_RELATIONS.name)).toEqual([{ relation_id: 'r-jp-2', work_id: jp.workId, relation: 'localized-version-of', target_work_id: MISS_GRANNY, deal_id: FRANCHISE, standing: 'reported' }]);
    expect(spec.rows(WORK_RELATIONS.name, before)).toEqual([expect.objectContaining({ relation_id: 'r-jp', relation: 'remake-of', deal_id: null })]);
    expectReference(spec, [...events, corrected]);
  });

  it("given a rumored remake, when a source confirms the relation, then its edge shows confirmed (as of before, reported); a correction's replacement starts reported", async () => {
    const jp = newWork();
    const events = [jp.registered(), jp.event('WorkRelated', { relationId: 'r-jp', relation: 'remake-of', targetWorkId: MISS_GRANNY })];
    const spec = await givenEvents(remakeMapProjection, events);
    const before = position;
    const confirmed = jp.event('WorkFactStandingChanged', { fact: { type: 'relation', id: 'r-jp' }, standing: 'confirmed', from: 'reported' });
    const otherFact = jp.event('WorkFactStandingChanged', { fact: { type: 'work', id: jp.workId }, standing: 'denied', from: 'reported' });
    await spec.when(confirmed, otherFact);

    expect(spec.rows(WORK_RELATIONS.name)).toEqual([expect.objectContaining({ relation_id: 'r-jp', standing: 'confirmed' })]);
    expect(spec.rows(WORK_RELATIONS.name, before)).toEqual([expect.objectContaining({ relation_id: 'r-jp', standing: 'reported' })]);
    const corrected = jp.event('WorkRelationCorrected', { relationId: 'r-jp', replacementRelationId: 'r-jp-2', replacement: { relation: 'localized-version-of', targetWorkId: MISS_GRANNY } }, 'a localization');
    await spec.when(corrected);
    expect(spec.rows(WORK_RELATIONS.name)).toEqual([expect.objectContaining({ relation_id: 'r-jp-2', standing: 'reported' })]);
    expectReference(spec, [...events, confirmed, otherFact, corrected]);
  });

  it('given a corrected relation, when the correction is corrected in turn, then only the latest replacement shows', async () => {
    const jp = newWork();
    const events = [
      jp.registered(),
      jp.event('WorkRelated', { relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL }),
      jp.event('WorkRelationCorrected', { relationId: 'r-1', replacementRelationId: 'r-2', replacement: { relation: 'remake-of', targetWorkId: MISS_GRANNY } }, 'wrong original'),
      jp.event('WorkRelationCorrected', { relationId: 'r-2', replacementRelationId: 'r-3', replacement: { relation: 'localized-version-of', targetWorkId: MISS_GRANNY, dealId: FRANCHISE } }, 'a localization'),
    ];
    const spec = await givenEvents(remakeMapProjection, events);

    expect(keysOf(spec)).toEqual(['r-3']);
    expectReference(spec, events);
  });

  it('as evolve takes it (decide refuses it): correcting a relation already replaced or retracted states one more current relation', async () => {
    const jp = newWork();
    const events = [
      jp.registered(),
      jp.event('WorkRelated', { relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL }),
      jp.event('WorkRelationCorrected', { relationId: 'r-1', replacementRelationId: 'r-2', replacement: { relation: 'remake-of', targetWorkId: MISS_GRANNY } }, 'fix'),
      jp.event('WorkRelationCorrected', { relationId: 'r-1', replacementRelationId: 'r-3', replacement: { relation: 'sequel-of', targetWorkId: ORIGINAL } }, 'fix again'),
      jp.event('WorkFactRetracted', { fact: { type: 'relation', id: 'r-1' } }, 'retracting the replaced one changes nothing'),
    ];
    const spec = await givenEvents(remakeMapProjection, events);

    expect(keysOf(spec)).toEqual(['r-2', 'r-3']);
    expectReference(spec, events);
  });

  it('given relations, when one is retracted and another clarified, then the retracted one leaves and the clarification opens no new version', async () => {
    const vn = newWork();
    const events = [
      vn.registered(),
      vn.event('WorkRelated', { relationId: 'r-vn', relation: 'localized-version-of', targetWorkId: MISS_GRANNY, dealId: FRANCHISE }),
      vn.event('WorkRelated', { relationId: 'r-wrong', relation: 'remake-of', targetWorkId: ORIGINAL }),
    ];
    const spec = await givenEvents(remakeMapProjection, events);
    const versions = spec.store.versions.get(WORK_RELATIONS.name)!.length;
    const clarified = vn.event('WorkFactClarified', { fact: { type: 'relation', id: 'r-vn' } }, 'licensed, not remade');
    await spec.when(clarified);
    expect(spec.store.versions.get(WORK_RELATIONS.name)).toHaveLength(versions);
    const retracted = vn.event('WorkFactRetracted', { fact: { type: 'relation', id: 'r-wrong' } }, 'no relation at all');
    await spec.when(retracted);

    expect(keysOf(spec)).toEqual(['r-vn']);
    expectReference(spec, [...events, clarified, retracted]);
  });

  it('given a work with relations, when the whole work is retracted, then its relations close and later ones stay hidden; other works keep theirs', async () => {
    const wrong = newWork();
    const other = newWork();
    const events = [
      wrong.registered(),
      other.registered(),
      wrong.event('WorkRelated', { relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL }),
      wrong.event('WorkRelated', { relationId: 'r-2', relation: 'sequel-of', targetWorkId: other.workId }),
      other.event('WorkRelated', { relationId: 'r-9', relation: 'remake-of', targetWorkId: MISS_GRANNY }),
    ];
    const spec = await givenEvents(remakeMapProjection, events);
    const before = position;
    const more = [wrong.event('WorkRetracted', {}, 'the project never existed'), wrong.event('WorkRelated', { relationId: 'r-3', relation: 'remake-of', targetWorkId: MISS_GRANNY })];
    await spec.when(...more);

    expect(spec.keyed(WORK_RELATIONS.name).map((r) => [r.stream, r.key])).toEqual([[other.streamId, 'r-9']]);
    expect(keysOf(spec, before).sort()).toEqual(['r-1', 'r-2', 'r-9']);
    expectReference(spec, [...events, ...more]);
  });

  it("given a work with a relation, when the 'work' fact is retracted, then it is withdrawn like a whole-work retraction", async () => {
    const work = newWork();
    const events = [work.registered(), work.event('WorkRelated', { relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL })];
    const spec = await givenEvents(remakeMapProjection, events);
    const more = [
      work.event('WorkFactRetracted', { fact: { type: 'work', id: work.workId } }, 'duplicate record'),
      work.event('WorkRelationCorrected', { relationId: 'r-1', replacementRelationId: 'r-2', replacement: { relation: 'sequel-of', targetWorkId: ORIGINAL } }, 'too late'),
    ];
    await spec.when(...more);

    expect(spec.rows(WORK_RELATIONS.name)).toEqual([]);
    expectReference(spec, [...events, ...more]);
  });

  it('events this model does not show (titles, credits, moves, releases, …) read and write nothing', async () => {
    const work = newWork();
    const spec = await givenEvents(remakeMapProjection, [work.registered()]);
    const versions = () => [...spec.store.versions.values()].reduce((n, v) => n + v.length, 0);
    const before = versions();
    await spec.when(
      work.event('TitleAdded', { titleId: 't-2', text: 'Sweet 20', language: 'en', class: 'translated' }),
      work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: uuid(100), role: 'producer' }),
      work.event('WorkFactRetracted', { fact: { type: 'company-credit', id: 'c-1' } }, 'wrong'),
    );
    expect(versions()).toBe(before);
  });

  it('a relation on a work stream that never registered its work is dead-lettered', async () => {
    const work = newWork();
    const spec = await givenEvents(remakeMapProjection, [work.event('WorkRelated', { relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL })]);
    expect(spec.store.deadLetters.map((d) => d.reason)).toEqual(['handler-failed']);
    expect(spec.rows(WORK_RELATIONS.name)).toEqual([]);
  });
});

// ---- the reference ---------------------------------------------------------------------------------------------------------

async function expectSameAsFold(events: readonly PublishedEvent[], runSize: number): Promise<void> {
  const spec = await givenEvents(remakeMapProjection, events, runSize);
  expect(spec.store.deadLetters).toEqual([]);
  expect(canonicalRows(shownRows(spec.store))).toEqual(canonicalRows(expectedRows(events).work_relations));
  // as of every position: the rows (the hidden ones too) of an engine fed only the events up to it
  await expectAsOfEqualsReplay(remakeMapProjection, spec.store, events, allTables);
}

describe('remake map projection: the fold-based reference', () => {
  it('the demo scenario gives the rows the fold of each stream gives, now and as of every position', async () => {
    await expectSameAsFold(publishScenario(buildScenario()), 1);
  });

  const seeds = Number(process.env.READ_MODELS_SEEDS ?? 200);
  it(`random logs (${seeds} seeds, runs of 1 and of 7) give the rows the fold gives, now and as of every position`, async () => {
    let relationRows = 0;
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { events } = randomLog({ seed });
      try {
        await expectSameAsFold(events, seed % 2 === 0 ? 1 : 7);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
      relationRows += expectedRows(events).work_relations.length;
    }
    expect(relationRows).toBeGreaterThan(seeds / 2);
  }, 600_000);
});

// ---- cost ---------------------------------------------------------------------------------------------------------------------

describe('remake map projection: cost per event', () => {
  function workWithHistory(history: number) {
    const work = newWork();
    const events = [work.registered()];
    for (let i = 0; events.length < history; i += 1) {
      const step = i % 4;
      if (step === 0) events.push(work.event('WorkRelated', { relationId: `h-${i}`, relation: 'remake-of', targetWorkId: ORIGINAL }));
      else if (step === 1) events.push(work.event('WorkRelationCorrected', { relationId: `h-${i - 1}`, replacementRelationId: `h-${i}`, replacement: { relation: 'sequel-of', targetWorkId: ORIGINAL } }, 'fix'));
      else if (step === 2) events.push(work.event('CompanyCreditAdded', { creditId: `c-${i}`, organizationId: uuid(100), role: 'producer' }));
      else events.push(work.event('TitleAdded', { titleId: `t-${i}`, text: `Title ${i}`, language: 'en', class: 'working' }));
    }
    return { work, events };
  }

  async function costOf(store: MemoryProjectionStore, events: readonly PublishedEvent[]): Promise<{ read: number; written: number }[]> {
    let read = 0;
    const load = store.loadRows.bind(store);
    store.loadRows = async (requests) => {
      const loaded = await load(requests);
      for (const rows of loaded.values()) read += rows.length;
      return loaded;
    };
    const count = () => [...store.versions.values()].reduce((n, versions) => n + versions.length + versions.filter((v) => v.validTo !== null).length, 0);
    const costs: { read: number; written: number }[] = [];
    for (const event of events) {
      read = 0;
      const before = count();
      await store.applyEvents([event]);
      costs.push({ read, written: count() - before });
    }
    return costs;
  }

  const typicalEvents = (work: ReturnType<typeof newWork>) => [
    work.event('WorkRelated', { relationId: 'n-1', relation: 'remake-of', targetWorkId: MISS_GRANNY }),
    work.event('WorkRelationCorrected', { relationId: 'n-1', replacementRelationId: 'n-2', replacement: { relation: 'localized-version-of', targetWorkId: MISS_GRANNY, dealId: FRANCHISE } }, 'fix'),
    work.event('WorkFactClarified', { fact: { type: 'relation', id: 'n-2' } }, 'licensed'),
    work.event('WorkFactRetracted', { fact: { type: 'relation', id: 'n-2' } }, 'never'),
    work.event('TitleAdded', { titleId: 'n-t', text: 'Another title', language: 'en', class: 'working' }),
  ];

  it('reads and writes the same rows per typical event on a work with 10 events as on one with 1,000', async () => {
    const small = workWithHistory(10);
    const large = workWithHistory(1_000);
    const smallSpec = await givenEvents(remakeMapProjection, small.events, small.events.length);
    const largeSpec = await givenEvents(remakeMapProjection, large.events, large.events.length);
    expect(largeSpec.rows(WORK_RELATIONS.name).length).toBeGreaterThan(100);

    const smallCosts = await costOf(smallSpec.store, typicalEvents(small.work));
    const largeCosts = await costOf(largeSpec.store, typicalEvents(large.work));
    expect(largeCosts).toEqual(smallCosts);
    expect(largeCosts).toEqual([
      { read: 1, written: 1 }, // the work row; the new relation opens
      { read: 2, written: 2 }, // + the corrected relation; it closes, the replacement opens
      { read: 0, written: 0 },
      { read: 2, written: 1 },
      { read: 0, written: 0 },
    ]);
  });
});
