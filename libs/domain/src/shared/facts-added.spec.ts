import { factsAddedBy, primaryDemotedBy } from './facts-added.js';
import { factStatedBy } from './facts.js';
import type { WorkCommand } from '../work/work.commands.js';
import { workDecider } from '../work/work.decider.js';
import type { WorkState } from '../work/work.state.js';
import { CJ_ENM, LEE_KWANG_SOO, ORIGINAL, REMAKE, SOURCE } from '../work/work.fixtures.js';

/**
 * What a write answers as the facts it added must be the facts the aggregate indexes under the event, and new ones:
 * an editor fixes them by these ids. Checked on a remake's life decided and folded by the work decider.
 */
describe('facts added by an event', () => {
  let ids = 0;
  const context = { now: new Date('2026-12-07T12:00:00Z'), newId: () => `id-${++ids}` };

  type Step = WorkCommand | ((state: WorkState) => WorkCommand);

  function live(steps: Step[]) {
    let state: WorkState = workDecider.initialState();
    const seen = new Set<string>();
    const lived: { type: string; added: string[]; indexed: string | undefined; knownBefore: boolean }[] = [];
    for (const step of steps) {
      const command = typeof step === 'function' ? step(state) : step;
      for (const decided of workDecider.decide(command, state, context)) {
        const event = { ...decided, metadata: { ...decided.metadata, eventId: `event-${++ids}` } } as typeof decided;
        state = workDecider.evolve(state, event);
        const fact = factStatedBy(state.factsByEventId, event.metadata.eventId);
        const indexed = fact && `${fact.type}:${fact.id}`;
        lived.push({ type: event.type, added: factsAddedBy(event as never).map((f) => `${f.type}:${f.id}`), indexed, knownBefore: indexed !== undefined && seen.has(indexed) });
        for (const added of factsAddedBy(event as never)) seen.add(`${added.type}:${added.id}`);
        if (indexed) seen.add(indexed);
      }
    }
    return { lived, state };
  }

  const source = SOURCE;
  const remakeLife: WorkCommand[] = [
    { type: 'RegisterWork', data: { workId: REMAKE, kind: 'feature-film', originalLanguage: 'en', countries: ['US'], titles: [{ text: 'Save the Green Planet!', language: 'en', class: 'working' }], status: 'in-development', source } },
    { type: 'AddTitle', data: { workId: REMAKE, text: 'Bugonia', language: 'en', class: 'release', primary: true, source } },
    { type: 'RelateWork', data: { workId: REMAKE, relation: 'remake-of', targetWorkId: ORIGINAL, source } },
    { type: 'AddCompanyCredit', data: { workId: REMAKE, organizationId: CJ_ENM, role: 'distributor', country: 'KR', source } },
    { type: 'AttachTalent', data: { workId: REMAKE, personId: LEE_KWANG_SOO, role: 'cast', source } },
    { type: 'ScheduleRelease', data: { workId: REMAKE, territory: 'US', date: { date: '2025-10-24', precision: 'day' }, type: 'wide', source } },
    { type: 'RecordMilestone', data: { workId: REMAKE, label: 'Rights acquired', kind: 'rights-acquired', date: { date: '2018', precision: 'year' }, source } },
    { type: 'ChangeWorkStatus', data: { workId: REMAKE, to: 'pre-production', effective: { date: '2024', precision: 'year' }, source } },
  ] as never;

  it('each fact an event adds is the one the work indexes under that event, stated there for the first time', () => {
    const { lived } = live(remakeLife);
    const adding = lived.filter((l) => l.added.length > 0);
    expect(adding.map((l) => l.type)).toEqual(['WorkRegistered', 'TitleAdded', 'WorkRelated', 'CompanyCreditAdded', 'TalentAttached', 'ReleaseScheduled', 'MilestoneRecorded', 'WorkStatusChanged']);
    for (const l of adding) {
      expect({ type: l.type, indexed: l.indexed, knownBefore: l.knownBefore }).toEqual({ type: l.type, indexed: l.added[0], knownBefore: false });
    }
    // Making the new title primary adds nothing: it names a title stated by the event before it.
    expect(lived.find((l) => l.type === 'PrimaryTitleSet')).toMatchObject({ added: [], knownBefore: true });
  });

  it('a correction adds its replacement; a fix or a fact’s life adds nothing and names a fact stated before', () => {
    const credit = (state: WorkState) => ({ type: 'company-credit', id: state.credits[0]!.creditId });
    const { lived, state } = live([
      ...remakeLife,
      (state) => ({ type: 'RescheduleRelease', data: { workId: REMAKE, releaseId: state.releases[0]!.releaseId, date: { date: '2025-11-07', precision: 'day' }, source } }) as never,
      (state) => ({ type: 'ClarifyWorkFact', data: { workId: REMAKE, fact: credit(state), note: 'Korea only', source } }) as never,
      (state) => ({ type: 'ChangeWorkFactStanding', data: { workId: REMAKE, fact: credit(state), standing: 'confirmed', source } }) as never,
      (state) => ({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: credit(state), changes: { role: 'producer' }, note: 'Producer', source } }) as never,
    ]);
    expect(lived.slice(-4).map((l) => [l.type, l.added.length, l.knownBefore])).toEqual([
      ['ReleaseMoved', 0, true],
      ['WorkFactClarified', 0, true],
      ['WorkFactStandingChanged', 0, true],
      ['CompanyCreditCorrected', 1, false],
    ]);
    const corrected = lived.at(-1)!;
    expect(corrected.added).toEqual([corrected.indexed]);
    expect(corrected.added).toEqual([`company-credit:${state.credits.find((c) => c.role === 'producer')!.creditId}`]);
  });

  it('a primary title set in place of another names the one it demoted', () => {
    const { lived, state } = live(remakeLife);
    expect(lived.filter((l) => l.type === 'PrimaryTitleSet')).toHaveLength(1);
    const working = state.titles.find((t) => t.text === 'Save the Green Planet!')!;
    const bugonia = state.titles.find((t) => t.text === 'Bugonia')!;
    expect(primaryDemotedBy({ type: 'PrimaryTitleSet', data: { workId: REMAKE, titleId: bugonia.titleId, previousTitleId: working.titleId } })).toEqual({ type: 'title', id: working.titleId });
    expect(primaryDemotedBy({ type: 'PrimaryTitleSet', data: { workId: REMAKE, titleId: bugonia.titleId } })).toBeUndefined();
    expect(primaryDemotedBy({ type: 'TitleAdded', data: { workId: REMAKE, titleId: bugonia.titleId } })).toBeUndefined();
  });
});
