import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { ProjectionEngine } from '../engine/engine.js';
import { MemoryProjectionStore } from '../engine/memory-store.js';
import type { Row } from '../engine/projection.js';
import { expectAsOfEqualsReplay, givenEvents, type ProjectionSpec } from '../engine/testing/projection-spec.js';
import { canonicalRows, expectedRows } from '../testing/expected-rows.js';
import { randomLog } from '../testing/random-log.js';
import { buildScenario, IDS, publishScenario, uuid } from '../testing/scenario.js';
import { TIMELINE_ENTRIES, TIMELINE_FACTS, timelineProjection } from './timeline.handlers.js';

const ENTRIES = TIMELINE_ENTRIES.name;
const FACTS = TIMELINE_FACTS.name;

// ---- events as the relay publishes them ---------------------------------------------------------------------------

const source = { publisher: 'Variety' };
let position = 0;

/** A stream's event maker: versions from 1, global positions shared by every stream of the file. */
function streamOf(streamType: 'work' | 'deal', id: string) {
  let version = 0;
  const idKey = streamType === 'work' ? 'workId' : 'dealId';
  return (type: string, data: Record<string, unknown> = {}, cited: object = source): PublishedEvent => {
    version += 1;
    position += 1;
    const recordedAt = new Date(Date.UTC(2025, 0, 1, 0, 0, 0, position)).toISOString();
    const note = typeof data.note === 'string' ? { note: data.note } : {};
    return {
      eventId: uuid(50_000 + position),
      type,
      schemaVersion: 1,
      streamId: `${streamType}-${id}`,
      streamType,
      streamVersion: version,
      globalPosition: String(position),
      recordedAt,
      data: { [idKey]: id, ...data },
      metadata: { eventId: uuid(50_000 + position), actor: { id: 'editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source: cited as typeof source, recordedAt, schemaVersion: 1, ...note },
    };
  };
}

const y = (date: string) => ({ date, precision: 'year' as const });
const m = (date: string) => ({ date, precision: 'month' as const });
let workCount = 0;
const newWork = () => {
  workCount += 1;
  const id = uuid(7_000 + workCount);
  return { id, stream: `work-${id}`, event: streamOf('work', id) };
};

/** The timeline rows of the reference (fold + row builder) and of the projection, comparable (owner included). */
function referenceEntries(events: readonly PublishedEvent[]): string[] {
  return canonicalRows(expectedRows(events).timeline_entries);
}
function projectedEntries(spec: Pick<ProjectionSpec, 'keyed'>, position?: number): string[] {
  return canonicalRows(spec.keyed(ENTRIES, position).map(({ stream, row }) => ({ owner_stream: stream, ...row })));
}
const entry = (spec: ProjectionSpec, key: string, position?: number) => spec.keyed(ENTRIES, position).find((r) => r.key === key)?.row;
const versionsOf = (spec: ProjectionSpec, table: string) => spec.store.versions.get(table)!.length;

// ---- a work's story ---------------------------------------------------------------------------------------------

describe('timeline projection: a work', () => {
  it('given a registered work, when its status changes on the same day, then both are entries and read in the order they were stated', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'en', countries: ['US'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2018') }),
      w.event('WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2018'), reason: 'script deal' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES)).toEqual([
      expect.objectContaining({ entry_key: 'status-change:s-1', work_id: w.id, kind: 'status', label: 'Registered as announced', occurred_at: '2018', precision: 'year', sort_key: '2018-01-01', seq: 0, corrected: false, retracted: false, note: null }),
      expect.objectContaining({ entry_key: 'status-change:s-2', label: 'Status: announced → in-development', details: { from: 'announced', to: 'in-development', reason: 'script deal' }, seq: 1 }),
    ]);
    expect(spec.keyed(ENTRIES).map((r) => r.stream)).toEqual([w.stream, w.stream]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given an attachment stated without a date, then it has no entry; when it is detached with a date, then only the detachment is an entry, ordered by the detaching event', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('TalentAttached', { attachmentId: 'a-1', personId: IDS.JANG, role: 'director' }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    expect(spec.rows(ENTRIES)).toEqual([]);
    expect(spec.keyed(FACTS).map((r) => r.key)).toEqual(['status-change:s-1', 'talent-attachment:a-1']);

    const detached = w.event('TalentDetached', { attachmentId: 'a-1', reason: 'scheduling conflict', detachedAt: y('2020') });
    await spec.when(detached);
    expect(spec.rows(ENTRIES)).toEqual([
      expect.objectContaining({
        entry_key: 'talent-attachment:a-1:detached',
        kind: 'talent-detached',
        label: 'director detached',
        subject_type: 'person',
        subject_id: IDS.JANG,
        details: { role: 'director', reason: 'scheduling conflict' },
        seq: 2,
      }),
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, detached]));
  });

  it('given a dated milestone, when it is corrected to another date, then the old entry is flagged with the note, the replacement stands at its date with the same note, and as of before the correction the old row shows', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'en', countries: ['US'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2018') }),
      w.event('MilestoneRecorded', { milestoneId: 'm-dev', label: 'Development began', kind: 'development-start', date: y('2019') }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    const before = position;
    const correction = w.event('MilestoneCorrected', { milestoneId: 'm-dev', replacementMilestoneId: 'm-dev-2', replacement: { label: 'Development began', kind: 'development-start', date: y('2018') }, note: 'development began in 2018' });
    await spec.when(correction);

    expect(entry(spec, 'milestone:m-dev')).toEqual(expect.objectContaining({ occurred_at: '2019', corrected: true, retracted: false, note: 'development began in 2018', seq: 1 }));
    expect(entry(spec, 'milestone:m-dev-2')).toEqual(expect.objectContaining({ occurred_at: '2018', sort_key: '2018-01-01', corrected: false, note: 'development began in 2018', seq: 2, details: { milestoneKind: 'development-start' } }));
    // as of before the correction: the old row, unflagged, and no replacement yet
    expect(entry(spec, 'milestone:m-dev', before)).toEqual(expect.objectContaining({ occurred_at: '2019', corrected: false, note: null }));
    expect(entry(spec, 'milestone:m-dev-2', before)).toBeUndefined();
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, correction]));
    expect(projectedEntries(spec, before)).toEqual(referenceEntries(events));
  });

  it('given a corrected status change, when the correction is corrected again, then the first replacement is flagged with the second note and the newest carries it', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'en', countries: ['US'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2018') }),
      w.event('WorkStatusChanged', { statusChangeId: 's-2', from: 'announced', to: 'in-development', effective: y('2019') }),
      w.event('WorkStatusChangeCorrected', { statusChangeId: 's-2', replacementStatusChangeId: 's-3', replacement: { to: 'in-development', effective: y('2020') }, note: 'first fix' }),
      w.event('WorkStatusChangeCorrected', { statusChangeId: 's-3', replacementStatusChangeId: 's-4', replacement: { to: 'in-development', effective: m('2020-05'), reason: 'greenlit' }, note: 'second fix' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES).map((r) => [r.entry_key, r.occurred_at, r.corrected, r.note, r.label])).toEqual([
      ['status-change:s-1', '2018', false, null, 'Registered as announced'],
      ['status-change:s-2', '2019', true, 'first fix', 'Status: announced → in-development'],
      ['status-change:s-3', '2020', true, 'second fix', 'Status: announced → in-development'],
      ['status-change:s-4', '2020-05', false, 'second fix', 'Status: announced → in-development'],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a release, when it is retracted, then its entry is flagged retracted with the note; a retraction of an already corrected fact (not decidable, but evolve takes it) keeps it flagged corrected and shows the retraction note', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('ReleaseScheduled', { releaseId: 'rel-kr', territory: 'KR', date: m('2025-11'), type: 'wide', status: 'scheduled' }),
      w.event('WorkFactRetracted', { fact: { type: 'release', id: 'rel-kr' }, note: 'no Korean release was ever planned' }),
      w.event('MilestoneRecorded', { milestoneId: 'm-1', label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-03') }),
      w.event('MilestoneCorrected', { milestoneId: 'm-1', replacementMilestoneId: 'm-2', replacement: { label: 'Cameras rolled', kind: 'principal-photography-start', date: m('2025-04') }, note: 'April' }),
      w.event('WorkFactRetracted', { fact: { type: 'milestone', id: 'm-1' }, note: 'never happened' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(entry(spec, 'release:rel-kr')).toEqual(expect.objectContaining({ label: 'wide release in KR (scheduled)', retracted: true, corrected: false, note: 'no Korean release was ever planned' }));
    expect(entry(spec, 'milestone:m-1')).toEqual(expect.objectContaining({ corrected: true, retracted: true, note: 'never happened' }));
    expect(entry(spec, 'milestone:m-2')).toEqual(expect.objectContaining({ corrected: false, retracted: false, note: 'April' }));
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a work, when the whole work is withdrawn, then no entry changes (the reference timeline does not show it)', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2018') }),
      w.event('MilestoneRecorded', { milestoneId: 'm-1', label: 'Development began', kind: 'development-start', date: y('2019') }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    const versions = [versionsOf(spec, ENTRIES), versionsOf(spec, FACTS)];
    const fixes = [w.event('WorkRetracted', { note: 'the project never existed' }), w.event('WorkFactRetracted', { fact: { type: 'work', id: w.id }, note: 'duplicate record' })];
    await spec.when(...fixes);

    expect([versionsOf(spec, ENTRIES), versionsOf(spec, FACTS)]).toEqual(versions);
    expect(spec.store.deadLetters).toEqual([]);
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, ...fixes]));
  });

  it('given a milestone, when it is clarified twice, then its entry stays current and carries both notes in order', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2018') }),
      w.event('MilestoneRecorded', { milestoneId: 'm-1', label: 'Development began', kind: 'development-start', date: y('2019') }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    const fixes = [
      w.event('WorkFactClarified', { fact: { type: 'milestone', id: 'm-1' }, note: 'announced at Cannes' }),
      w.event('WorkFactClarified', { fact: { type: 'milestone', id: 'm-1' }, note: 'the script was commissioned earlier' }),
    ];
    await spec.when(...fixes);

    expect(entry(spec, 'milestone:m-1')).toMatchObject({ corrected: false, retracted: false, details: { milestoneKind: 'development-start', clarifications: ['announced at Cannes', 'the script was commissioned earlier'] } });
    expect(spec.store.deadLetters).toEqual([]);
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, ...fixes]));
  });

  it('given a credit and a cast member stated on the wrong work, when both are moved, then the source keeps them flagged with where they went, and the target states them with where they came from', async () => {
    const remake = newWork();
    const mother = newWork();
    const events = [
      remake.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'en', countries: ['US'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-r' }),
      mother.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'vi', countries: ['VN'], externalIds: {}, titles: [], status: 'filming', statusChangeId: 's-m' }),
      remake.event('CompanyCreditAdded', { creditId: 'c-jg', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR', from: y('2024') }),
      remake.event('TalentAttached', { attachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', billing: 'lead', attachedAt: y('2024') }),
      remake.event('CompanyCreditMovedOut', { creditId: 'c-jg', moveId: 'mv-1', targetWorkId: mother.id, targetCreditId: 'c-jg-2', note: 'Jerrygood produces Mother' }),
      mother.event('CompanyCreditMovedIn', { creditId: 'c-jg-2', moveId: 'mv-1', sourceWorkId: remake.id, sourceCreditId: 'c-jg', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR', from: y('2024'), note: 'Jerrygood produces Mother' }),
      remake.event('TalentAttachmentMovedOut', { attachmentId: 'a-lee', moveId: 'mv-2', targetWorkId: mother.id, targetAttachmentId: 'a-lee-2', note: 'Lee leads Mother' }),
      mother.event('TalentAttachmentMovedIn', { attachmentId: 'a-lee-2', moveId: 'mv-2', sourceWorkId: remake.id, sourceAttachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', billing: 'lead', attachedAt: y('2024'), note: 'Lee leads Mother' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.keyed(ENTRIES).filter((r) => r.stream === remake.stream).map((r) => r.row)).toEqual([
      expect.objectContaining({ entry_key: 'company-credit:c-jg:from', work_id: remake.id, corrected: true, note: 'Jerrygood produces Mother', details: { role: 'producer', country: 'KR', movedToWorkId: mother.id } }),
      expect.objectContaining({ entry_key: 'talent-attachment:a-lee:attached', corrected: true, note: 'Lee leads Mother', details: { role: 'cast', billing: 'lead', movedToWorkId: mother.id } }),
    ]);
    expect(spec.keyed(ENTRIES).filter((r) => r.stream === mother.stream).map((r) => r.row)).toEqual([
      expect.objectContaining({ entry_key: 'company-credit:c-jg-2:from', work_id: mother.id, corrected: false, note: 'Jerrygood produces Mother', details: { role: 'producer', country: 'KR', movedFromWorkId: remake.id } }),
      expect.objectContaining({ entry_key: 'talent-attachment:a-lee-2:attached', corrected: false, note: 'Lee leads Mother', details: { role: 'cast', billing: 'lead', movedFromWorkId: remake.id } }),
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a credit, when it ends, then an "until" entry appears (ordered by the credit, as the reference does) and its start opens no new version', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: IDS.CJ_ENM, role: 'financier', from: y('2019') }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    const ended = w.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2021'), reason: 'pulled out' });
    await spec.when(ended);

    expect(spec.rows(ENTRIES)).toEqual([
      expect.objectContaining({ entry_key: 'company-credit:c-1:from', label: 'financier from', seq: 1, details: { role: 'financier' } }),
      expect.objectContaining({ entry_key: 'company-credit:c-1:to', kind: 'company-credit-end', label: 'financier until', occurred_at: '2021', seq: 1, details: { role: 'financier', reason: 'pulled out' } }),
    ]);
    expect(spec.store.versions.get(ENTRIES)!.filter((v) => v.key === 'company-credit:c-1:from')).toHaveLength(1);
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, ended]));
  });

  it('given a detached attachment, when it is corrected, then the replacement keeps the detachment (and its place among the day\'s entries)', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('TalentAttached', { attachmentId: 'a-1', personId: IDS.JANG, role: 'director', attachedAt: y('2018') }),
      w.event('TalentDetached', { attachmentId: 'a-1', reason: 'stays on as executive producer', detachedAt: y('2022') }),
      w.event('TalentAttachmentCorrected', { attachmentId: 'a-1', replacementAttachmentId: 'a-2', replacement: { personId: IDS.JANG, role: 'writer', attachedAt: y('2017') }, note: 'he was the writer' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES).map((r) => [r.entry_key, r.label, r.occurred_at, r.seq, r.corrected, r.note])).toEqual([
      ['talent-attachment:a-1:attached', 'director attached', '2018', 1, true, 'he was the writer'],
      ['talent-attachment:a-1:detached', 'director detached', '2022', 2, true, 'he was the writer'],
      ['talent-attachment:a-2:attached', 'writer attached', '2017', 3, false, 'he was the writer'],
      ['talent-attachment:a-2:detached', 'writer detached', '2022', 2, false, 'he was the writer'],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a scheduled release, when it moves and then takes place, then its one entry follows it and keeps the earlier dates', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('ReleaseScheduled', { releaseId: 'r-1', territory: 'VN', date: m('2025-03'), type: 'wide', status: 'scheduled', distributorId: IDS.MOTIF }),
      w.event('ReleaseMoved', { releaseId: 'r-1', previousDate: m('2025-03'), date: m('2025-05'), reason: 'Tet holiday' }),
      w.event('ReleaseOccurred', { releaseId: 'r-1', date: { date: '2025-05-09', precision: 'day' } }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES)).toEqual([
      expect.objectContaining({
        entry_key: 'release:r-1',
        label: 'wide release in VN (occurred)',
        occurred_at: '2025-05-09',
        subject_type: 'organization',
        subject_id: IDS.MOTIF,
        details: { territory: 'VN', type: 'wide', status: 'occurred', previousDates: [m('2025-03')], reason: 'Tet holiday' },
      }),
    ]);
    expect(spec.store.versions.get(ENTRIES)!.filter((v) => v.key === 'release:r-1')).toHaveLength(3);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a release cited from Variety, when KoBiz moves it and a confidential source says it took place, then its entry cites the last, showing only what that source makes public', async () => {
    const variety = { publisher: 'Variety', url: 'https://variety.com/v/film/asia/', publishedAt: '2025-01-10', kind: 'trade-report', language: 'en' };
    const kobiz = { publisher: 'KoBiz', url: 'https://www.koreanfilm.or.kr/eng/news/', kind: 'press-release', excerpt: 'moved to May' };
    const confidential = { publishedAt: '2025-05-09', language: 'ko', confidential: true };
    const w = newWork();
    const registered = w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1', statusEffective: y('2024') });
    const scheduled = w.event('ReleaseScheduled', { releaseId: 'r-1', territory: 'KR', date: m('2025-03'), type: 'wide', status: 'scheduled' }, variety);
    const spec = await givenEvents(timelineProjection, [registered, scheduled]);
    expect(entry(spec, 'release:r-1')).toEqual(expect.objectContaining({ source: { publisher: 'Variety', url: 'https://variety.com/v/film/asia/', publishedAt: '2025-01-10', kind: 'trade-report' } }));
    expect(entry(spec, 'status-change:s-1')).toEqual(expect.objectContaining({ source: { publisher: 'Variety' } }));

    const moved = w.event('ReleaseMoved', { releaseId: 'r-1', previousDate: m('2025-03'), date: m('2025-05'), reason: 'holiday' }, kobiz);
    await spec.when(moved);
    expect(entry(spec, 'release:r-1')!.source).toEqual({ publisher: 'KoBiz', url: 'https://www.koreanfilm.or.kr/eng/news/', kind: 'press-release' });
    const occurred = w.event('ReleaseOccurred', { releaseId: 'r-1', date: { date: '2025-05-09', precision: 'day' } }, confidential);
    await spec.when(occurred);
    expect(entry(spec, 'release:r-1')!.source).toEqual({ publishedAt: '2025-05-09' });
    expect(entry(spec, 'status-change:s-1')!.source).toEqual({ publisher: 'Variety' });
    expect(projectedEntries(spec)).toEqual(referenceEntries([registered, scheduled, moved, occurred]));
  });

  it('given a credit, when its standing is confirmed by another source, then the standing entry cites the confirming source and the credit entry keeps its own', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: IDS.CJ_ENM, role: 'producer', from: y('2024') }, { publisher: 'Deadline', url: 'https://deadline.com/x' }),
      w.event('WorkFactStandingChanged', { fact: { type: 'company-credit', id: 'c-1' }, standing: 'confirmed', from: 'reported' }, { publisher: 'CJ ENM', kind: 'press-release' }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    expect(entry(spec, 'company-credit:c-1:from')!.source).toEqual({ publisher: 'Deadline', url: 'https://deadline.com/x' });
    expect(entry(spec, `standing:${events[2]!.eventId}`)).toEqual(expect.objectContaining({ source: { publisher: 'CJ ENM', kind: 'press-release' }, details: expect.objectContaining({ source: { publisher: 'CJ ENM', kind: 'press-release' } }) }));
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('an event about a fact the work never stated is dead-lettered (nothing is written)', async () => {
    const w = newWork();
    const spec = await givenEvents(timelineProjection, [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('TalentDetached', { attachmentId: 'nobody', reason: 'left', detachedAt: y('2020') }),
    ]);
    expect(spec.store.deadLetters).toEqual([expect.objectContaining({ reason: 'handler-failed', error: expect.stringContaining('talent-attachment:nobody') })]);
    expect(spec.rows(ENTRIES)).toEqual([]);
  });

  it('correcting a fact already superseded (the decider refuses it; evolve takes it): the fact and the new replacement are as the reference shows them; the earlier replacement keeps the note of its own correction (the reference shows the newer one: see the report)', async () => {
    const w = newWork();
    const events = [
      w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-1' }),
      w.event('MilestoneRecorded', { milestoneId: 'm-1', label: 'Wrapped', kind: 'principal-photography-end', date: y('2020') }),
      w.event('MilestoneCorrected', { milestoneId: 'm-1', replacementMilestoneId: 'm-2', replacement: { label: 'Wrapped', kind: 'principal-photography-end', date: y('2021') }, note: 'first' }),
      w.event('MilestoneCorrected', { milestoneId: 'm-1', replacementMilestoneId: 'm-3', replacement: { label: 'Wrapped', kind: 'principal-photography-end', date: y('2022') }, note: 'second' }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    const reference = expectedRows(events).timeline_entries;
    const ours = (key: string) => ({ owner_stream: w.stream, ...entry(spec, key) });

    expect(ours('milestone:m-1')).toEqual(reference.find((r) => r.entry_key === 'milestone:m-1'));
    expect(ours('milestone:m-3')).toEqual(reference.find((r) => r.entry_key === 'milestone:m-3'));
    expect(entry(spec, 'milestone:m-2')).toEqual(expect.objectContaining({ corrected: false, note: 'first' }));
    expect(reference.find((r) => r.entry_key === 'milestone:m-2')).toEqual(expect.objectContaining({ corrected: false, note: 'second' }));
  });
});

// ---- a deal's story ---------------------------------------------------------------------------------------------

describe('timeline projection: a deal', () => {
  const dealId = IDS.FRANCHISE;
  const [granny, vn, jp] = [IDS.MISS_GRANNY, IDS.MISS_GRANNY_VN, IDS.MISS_GRANNY_JP];
  const announce = (deal: ReturnType<typeof streamOf>) =>
    deal('DealAnnounced', {
      type: 'localization-franchise',
      name: 'One Source Multi Territory',
      parties: [{ partyId: 'p-cj', organizationId: IDS.CJ_ENM, side: 'rights-holder' }],
      works: [{ workId: granny, role: 'source' }, { workId: vn, role: 'subject', territory: 'VN' }],
      territories: ['VN', 'JP'],
      languages: ['vi', 'ja'],
      termsDisclosed: false,
      announcedAt: y('2014'),
      statusChangeId: 'ds-1',
    });

  it('given an announced deal, then each work it covers has an announcement entry owned by the deal stream', async () => {
    const deal = streamOf('deal', dealId);
    const events = [announce(deal)];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.keyed(ENTRIES)).toEqual([
      {
        stream: `deal-${dealId}`,
        key: `deal:${dealId}:work:0:${granny}:announced`,
        row: expect.objectContaining({
          work_id: granny,
          kind: 'deal-announced',
          label: "localization-franchise deal 'One Source Multi Territory' announced",
          occurred_at: '2014',
          fact_type: 'deal',
          fact_id: dealId,
          subject_type: 'deal',
          subject_id: dealId,
          details: { dealType: 'localization-franchise', dealName: 'One Source Multi Territory', workRole: 'source', territories: ['VN', 'JP'] },
          seq: 0,
        }),
      },
      { stream: `deal-${dealId}`, key: `deal:${dealId}:work:1:${vn}:announced`, row: expect.objectContaining({ work_id: vn, details: expect.objectContaining({ territory: 'VN' }), seq: 1 }) },
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a deal, when its status changes, a work is added, and the status change is corrected, then every covered work shows the changes, numbered as the reference numbers them', async () => {
    const deal = streamOf('deal', dealId);
    const events = [
      announce(deal),
      deal('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2015') }),
      deal('DealWorkAdded', { workId: jp, role: 'subject', territory: 'JP' }),
      deal('DealStatusChangeCorrected', { statusChangeId: 'ds-2', replacementStatusChangeId: 'ds-3', replacement: { to: 'closed', effective: y('2016') }, note: 'closed in 2016' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    const jpRows = spec.rows(ENTRIES).filter((r) => r.work_id === jp);
    expect(jpRows.map((r) => r.source)).toEqual([{ publisher: 'Variety' }, { publisher: 'Variety' }, { publisher: 'Variety' }]);
    expect(jpRows.map((r) => [r.kind, r.occurred_at, r.corrected, r.note])).toEqual([
      ['deal-announced', '2014', false, null],
      ['deal-status', '2015', true, 'closed in 2016'],
      ['deal-status', '2016', false, 'closed in 2016'],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a deal announced by Variety, when Deadline reports it closed and KoBiz corrects the date, then each entry cites the source that stated its status change or work', async () => {
    const deal = streamOf('deal', dealId);
    const events = [
      announce(deal),
      deal('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2015') }, { publisher: 'Deadline', url: 'https://deadline.com/deal' }),
      deal('DealStatusChangeCorrected', { statusChangeId: 'ds-2', replacementStatusChangeId: 'ds-3', replacement: { to: 'closed', effective: y('2016') }, note: 'closed in 2016' }, { publisher: 'KoBiz', kind: 'press-release' }),
    ];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES).filter((r) => r.work_id === vn).map((r) => [r.entry_key, r.source])).toEqual([
      [`deal:${dealId}:work:1:${vn}:announced`, { publisher: 'Variety' }],
      [`deal:${dealId}:work:1:${vn}:status:ds-2`, { publisher: 'Deadline', url: 'https://deadline.com/deal' }],
      [`deal:${dealId}:work:1:${vn}:status:ds-3`, { publisher: 'KoBiz', kind: 'press-release' }],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a deal, when one of its works is corrected to another, then the old work keeps its entries flagged and the new one has them with the note', async () => {
    const deal = streamOf('deal', dealId);
    const events = [announce(deal), deal('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2015') }), deal('DealWorkCorrected', { workId: vn, replacement: { workId: jp, role: 'subject', territory: 'JP' }, note: 'the Japanese version' })];
    const spec = await givenEvents(timelineProjection, events);

    expect(spec.rows(ENTRIES).filter((r) => r.work_id === vn).map((r) => [r.kind, r.corrected, r.note])).toEqual([
      ['deal-announced', true, 'the Japanese version'],
      ['deal-status', true, 'the Japanese version'],
    ]);
    expect(spec.rows(ENTRIES).filter((r) => r.work_id === jp).map((r) => [r.entry_key, r.corrected, r.note])).toEqual([
      [`deal:${dealId}:work:2:${jp}:announced`, false, 'the Japanese version'],
      [`deal:${dealId}:work:2:${jp}:status:ds-2`, false, 'the Japanese version'],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });

  it('given a deal, when its announcement date is corrected, then the announcements move with the note; as of before they stand at the old date', async () => {
    const deal = streamOf('deal', dealId);
    const events = [announce(deal)];
    const spec = await givenEvents(timelineProjection, events);
    const before = position;
    const fix = deal('DealDetailsCorrected', { changes: { announcedAt: m('2014-10') }, previous: { announcedAt: y('2014') }, note: 'announced at Busan' });
    await spec.when(fix);

    expect(spec.rows(ENTRIES).map((r) => [r.occurred_at, r.note])).toEqual([
      ['2014-10', 'announced at Busan'],
      ['2014-10', 'announced at Busan'],
    ]);
    expect(spec.rows(ENTRIES, before).map((r) => [r.occurred_at, r.note])).toEqual([
      ['2014', null],
      ['2014', null],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, fix]));
  });

  it('given a deal, when it is withdrawn, then every entry is flagged retracted with the withdrawal note; party changes and clarifications read and write nothing', async () => {
    const deal = streamOf('deal', dealId);
    const events = [announce(deal), deal('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2015') })];
    const spec = await givenEvents(timelineProjection, events);
    const versions = [versionsOf(spec, ENTRIES), versionsOf(spec, FACTS)];
    const quiet = [
      deal('DealPartyAdded', { partyId: 'p-2', organizationId: IDS.MOTIF, side: 'licensee' }),
      deal('DealFactClarified', { fact: { type: 'deal', id: dealId }, note: 'per the press release' }),
      deal('DealDetailsUpdated', { changes: { termsDisclosed: true } }),
    ];
    await spec.when(...quiet);
    expect([versionsOf(spec, ENTRIES), versionsOf(spec, FACTS)]).toEqual(versions);

    const withdrawn = deal('DealRetracted', { note: 'a misreport' });
    await spec.when(withdrawn);
    expect(spec.rows(ENTRIES).map((r) => [r.retracted, r.note])).toEqual(Array.from({ length: 4 }, () => [true, 'a misreport']));
    expect(projectedEntries(spec)).toEqual(referenceEntries([...events, ...quiet, withdrawn]));
  });

  it('given a deal, when a work and a status change are retracted, then their entries are flagged with the note', async () => {
    const deal = streamOf('deal', dealId);
    const events = [
      announce(deal),
      deal('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2015') }),
      deal('DealFactRetracted', { fact: { type: 'work', id: granny }, note: 'not part of it' }),
      deal('DealFactRetracted', { fact: { type: 'status-change', id: 'ds-2' }, note: 'never closed' }),
    ];
    const spec = await givenEvents(timelineProjection, events);
    expect(spec.rows(ENTRIES).map((r) => [r.work_id, r.kind, r.retracted, r.note])).toEqual([
      [granny, 'deal-announced', true, 'not part of it'],
      [granny, 'deal-status', true, 'never closed'],
      [vn, 'deal-announced', false, null],
      [vn, 'deal-status', true, 'never closed'],
    ]);
    expect(projectedEntries(spec)).toEqual(referenceEntries(events));
  });
});

// ---- the reference: the fold and the row builders -------------------------------------------------------------------

/**
 * `seq` is compared as a number: a work entry's is `streamVersion - 1`, which is the index of the stating event in
 * the reference's factsByEventId (one key per event); a deal entry's is its place in the deal's entries, computed as
 * the reference does. The hidden table is not in the reference.
 */
async function expectAsReference(events: readonly PublishedEvent[], runSize: number): Promise<void> {
  const spec = await givenEvents(timelineProjection, events, runSize);
  expect(spec.store.deadLetters).toEqual([]);
  expect(projectedEntries(spec)).toEqual(referenceEntries(events));
}

/** For every position: the rows as of it equal an engine's current rows given only the events up to it. */
async function expectAsOfEveryPosition(events: readonly PublishedEvent[], runSize: number): Promise<void> {
  const spec = await givenEvents(timelineProjection, events, runSize);
  await expectAsOfEqualsReplay(timelineProjection, spec.store, events, (store, position) => [ENTRIES, FACTS].map((table) => store.rowsAt(table, position)));
}

describe('timeline projection: the reference', () => {
  it('the demo scenario gives the rows the fold of each stream gives, and as of every position the rows a fresh engine gives', async () => {
    const events = publishScenario(buildScenario());
    await expectAsReference(events, 1);
    await expectAsReference(events, 7);
    await expectAsOfEveryPosition(events, 1);
  });

  const seeds = Number(process.env.READ_MODELS_SEEDS ?? 200);
  it(`${seeds} random logs give the reference's rows (runs of 1 and of 7 events)`, async () => {
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { events } = randomLog({ seed });
      try {
        await expectAsReference(events, seed % 2 === 0 ? 1 : 7);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
    }
  });

  it(`${seeds} random logs: as of every position, the rows of a fresh engine given the events up to it`, async () => {
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { events } = randomLog({ seed });
      try {
        await expectAsOfEveryPosition(events, seed % 2 === 0 ? 7 : 1);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
    }
  });
});

// ---- cost -------------------------------------------------------------------------------------------------------

describe('timeline projection: cost', () => {
  /** A work with `history` events: registration, then attachments, credits, milestones, releases and status changes. */
  function workWithHistory(history: number) {
    const w = newWork();
    const events = [w.event('WorkRegistered', { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], externalIds: {}, titles: [], status: 'announced', statusChangeId: 's-0', statusEffective: y('2010') })];
    for (let i = 0; events.length < history; i += 1) {
      const year = y(String(2010 + (i % 15)));
      switch (i % 6) {
        case 0:
          events.push(w.event('TalentAttached', { attachmentId: `a-${i}`, personId: IDS.JANG, role: 'cast', attachedAt: year }));
          break;
        case 1:
          events.push(w.event('CompanyCreditAdded', { creditId: `c-${i}`, organizationId: IDS.CJ_ENM, role: 'financier', from: year }));
          break;
        case 2:
          events.push(w.event('MilestoneRecorded', { milestoneId: `m-${i}`, label: `milestone ${i}`, kind: 'development-start', date: year }));
          break;
        case 3:
          events.push(w.event('ReleaseScheduled', { releaseId: `r-${i}`, territory: 'KR', date: year, type: 'festival', status: 'scheduled' }));
          break;
        case 4:
          events.push(w.event('WorkStatusChanged', { statusChangeId: `s-${i}`, from: 'announced', to: 'in-development', effective: year }));
          break;
        default:
          events.push(w.event('TalentDetached', { attachmentId: `a-${i - 5}`, reason: 'left', detachedAt: year }));
      }
    }
    return { w, events };
  }

  /** The same typical events on any work: add, detach, end, move a release, correct, retract, clarify, move out. */
  function typicalEvents(w: ReturnType<typeof newWork>): PublishedEvent[] {
    return [
      w.event('TalentAttached', { attachmentId: 'x-a', personId: IDS.LEE_KWANG_SOO, role: 'cast', attachedAt: y('2024') }),
      w.event('TalentDetached', { attachmentId: 'x-a', reason: 'left', detachedAt: y('2025') }),
      w.event('CompanyCreditAdded', { creditId: 'x-c', organizationId: IDS.MOTIF, role: 'producer', from: y('2024') }),
      w.event('CompanyCreditEnded', { creditId: 'x-c', to: y('2025'), reason: 'sold' }),
      w.event('ReleaseScheduled', { releaseId: 'x-r', territory: 'VN', date: m('2025-03'), type: 'wide', status: 'scheduled' }),
      w.event('ReleaseMoved', { releaseId: 'x-r', previousDate: m('2025-03'), date: m('2025-05') }),
      w.event('MilestoneRecorded', { milestoneId: 'x-m', label: 'Wrapped', kind: 'principal-photography-end', date: y('2024') }),
      w.event('MilestoneCorrected', { milestoneId: 'x-m', replacementMilestoneId: 'x-m2', replacement: { label: 'Wrapped', kind: 'principal-photography-end', date: y('2025') }, note: 'fix' }),
      w.event('TalentAttachmentCorrected', { attachmentId: 'x-a', replacementAttachmentId: 'x-a2', replacement: { personId: IDS.LEE_KWANG_SOO, role: 'writer', attachedAt: y('2024') }, note: 'fix' }),
      w.event('WorkFactRetracted', { fact: { type: 'release', id: 'x-r' }, note: 'cancelled plan' }),
      w.event('WorkFactClarified', { fact: { type: 'milestone', id: 'x-m2' }, note: 'per the studio' }),
      w.event('WorkStatusChanged', { statusChangeId: 'x-s', from: 'in-development', to: 'filming', effective: y('2025') }),
      w.event('CompanyCreditMovedOut', { creditId: 'x-c', moveId: 'x-mv', targetWorkId: uuid(99_999), targetCreditId: 'x-c2', note: 'other work' }),
    ];
  }

  /** Rows read (loaded from the store) and written (versions opened and closed) by each event, applied one run each. */
  async function costOf(history: number): Promise<{ read: number; written: number }[]> {
    const { w, events } = workWithHistory(history);
    const store = new MemoryProjectionStore(new ProjectionEngine([timelineProjection]));
    await store.applyEvents(events, 100);
    let read = 0;
    let written = 0;
    const loadRows = store.loadRows.bind(store);
    store.loadRows = async (requests) => {
      const loaded = await loadRows(requests);
      for (const rows of loaded.values()) read += rows.length;
      return loaded;
    };
    const write = store.write.bind(store);
    store.write = (result) => {
      written += result.writes.inserts.length + result.writes.closings.length;
      write(result);
    };
    const costs: { read: number; written: number }[] = [];
    for (const event of typicalEvents(w)) {
      read = 0;
      written = 0;
      await store.applyEvents([event], 1);
      costs.push({ read, written });
    }
    expect(store.deadLetters).toEqual([]);
    return costs;
  }

  it('a typical event reads and writes as many rows on a work with 1,000 events as on one with 10', async () => {
    const small = await costOf(10);
    const large = await costOf(1_000);
    expect(large).toEqual(small);
    // and that is a handful: the fact's hidden row and its one or two entries (a correction: of two facts), a new
    // version of a row being one closing and one insert
    for (const { read, written } of large) {
      expect(read).toBeLessThanOrEqual(3);
      expect(written).toBeLessThanOrEqual(10);
    }
  });
});
