/**
 * The domain's events are the published contract: every event type the deciders can emit has a contract, and the
 * events they actually emit conform (strictly) to its JSON Schema, envelope included. The scenario is the demo
 * material: CJ ENM's Hollywood remake of 'Save the Green Planet!', the Korean–Vietnamese co-production 'Going to
 * Abandon My Mother', and CJ ENM's 'One Source Multi Territory' localization of 'Miss Granny'.
 */
import { eventContracts, getEventContract } from '../../contracts/src/event-contracts.js';
import { eventMetadataSchema } from '../../contracts/src/schemas/envelope.schema.js';
import { checkAgainstSchema } from '../../contracts/src/schemas/schema-check.js';
import { dealDecider } from './deal/deal.decider.js';
import { DEAL_EVENT_TYPES } from './deal/deal.events.js';
import { organizationDecider } from './organization/organization.decider.js';
import { ORGANIZATION_EVENT_TYPES } from './organization/organization.events.js';
import { personDecider } from './person/person.decider.js';
import { PERSON_EVENT_TYPES } from './person/person.events.js';
import type { Decider, DomainEvent } from './shared/decider.js';
import { toEventsForAppend } from './shared/envelope.js';
import { testContext } from './shared/testing/decider-spec.js';
import { workDecider } from './work/work.decider.js';
import { WORK_EVENT_TYPES, type WorkEvent } from './work/work.events.js';
import { decideOrganizationMerge } from './organization/organization-merge.decider.js';
import { decidePersonMerge } from './person/person-merge.decider.js';
import { decideWorkMerge } from './work/work-merge.decider.js';
import { decideWorkMove } from './work/work-move.decider.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [ORIGINAL, REMAKE, MOTHER, HOAX] = [uuid(1), uuid(2), uuid(3), uuid(4)];
const [MISS_GRANNY, MISS_GRANNY_VN, MISS_GRANNY_JP] = [uuid(10), uuid(11), uuid(12)];
const [CJ_ENM, CJ_GROUP, JERRYGOOD, LEE_CHANG, MOTIF, ANH_TEU, SATE] = [uuid(100), uuid(101), uuid(102), uuid(103), uuid(104), uuid(105), uuid(106)];
const [JANG, LEE_KWANG_SOO, MO_HONG_JIN] = [uuid(200), uuid(201), uuid(202)];
const [FRANCHISE, COPRO] = [uuid(300), uuid(301)];
const source = { publisher: 'Variety', url: 'https://variety.com/2025/film/asia/', language: 'en' };
const fix = (note: string) => ({ note, source });

const context = testContext();
const emitted: DomainEvent[] = [];
/** Each stream's decider and events, in order. */
const streams: Array<{ decider: Decider<never, DomainEvent, unknown>; events: DomainEvent[] }> = [];

function stream<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  let state = decider.initialState();
  const own: E[] = [];
  streams.push({ decider: decider as unknown as Decider<never, DomainEvent, unknown>, events: own });
  return {
    run(...commands: C[]): E[] {
      return commands.flatMap((command) => {
        const events = decider.decide(command, state, context);
        state = events.reduce(decider.evolve, state);
        emitted.push(...events);
        own.push(...events);
        return events;
      });
    },
    apply(events: E[]): void {
      state = events.reduce(decider.evolve, state);
      emitted.push(...events);
      own.push(...events);
    },
    get state(): S {
      return state;
    },
  };
}

function runScenario(): void {
  // --- works -------------------------------------------------------------------------------------------------------
  const original = stream(workDecider);
  original.run({
    type: 'RegisterWork',
    data: {
      workId: ORIGINAL,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      productionYear: 2003,
      titles: [
        { titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
        { titleId: 't-rom', text: 'Jigureul jikyeora!', language: 'ko-Latn', class: 'transliterated' },
        { titleId: 't-en', text: 'Save the Green Planet!', language: 'en', class: 'release', territory: 'US' },
      ],
      status: 'released',
      statusEffective: { date: '2003-04-04', precision: 'day' },
      source,
    },
  });

  const remake = stream(workDecider);
  remake.run(
    {
      type: 'RegisterWork',
      data: {
        workId: REMAKE,
        kind: 'feature-film',
        originalLanguage: 'en',
        countries: ['US', 'KR'],
        titles: [{ titleId: 't-1', text: 'Save the Green Planet!', language: 'en', class: 'working' }],
        status: 'announced',
        statusEffective: { date: '2018', precision: 'year' },
        source,
      },
    },
    { type: 'UpdateWorkDetails', data: { workId: REMAKE, changes: { productionYear: 2025, externalIds: { imdb: 'tt12300742' } }, source } },
    { type: 'AddTitle', data: { workId: REMAKE, titleId: 't-2', text: 'Bugonia', language: 'en', class: 'release', primary: true, source } },
    { type: 'RelateWork', data: { workId: REMAKE, relationId: 'r-1', relation: 'adaptation-of', targetWorkId: ORIGINAL, source } },
  );
  const [developing] = remake.run({ type: 'ChangeWorkStatus', data: { workId: REMAKE, to: 'in-development', effective: { date: '2018', precision: 'year' }, source } });
  remake.run(
    { type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-cj', organizationId: CJ_ENM, role: 'producer', country: 'KR', from: { date: '2018', precision: 'year' }, source } },
    { type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-fin', organizationId: CJ_GROUP, role: 'financier', source } },
    { type: 'EndCompanyCredit', data: { workId: REMAKE, creditId: 'c-fin', to: { date: '2022', precision: 'year' }, reason: 'stake sold', source } },
    { type: 'AttachTalent', data: { workId: REMAKE, attachmentId: 'a-jang', personId: JANG, role: 'director', attachedAt: { date: '2018', precision: 'year' }, source } },
    { type: 'DetachTalent', data: { workId: REMAKE, attachmentId: 'a-jang', reason: 'stays on as executive producer; another director takes over', detachedAt: { date: '2022', precision: 'year' }, source } },
    { type: 'AttachTalent', data: { workId: REMAKE, attachmentId: 'a-ep', personId: JANG, role: 'executive-producer', source } },
    { type: 'AttachTalent', data: { workId: REMAKE, attachmentId: 'a-emma', personId: LEE_KWANG_SOO, role: 'cast', character: 'Michelle', standing: 'rumored', source: { ...source, kind: 'trade-report' } } },
    { type: 'ChangeWorkFactStanding', data: { workId: REMAKE, fact: { type: 'talent-attachment', id: 'a-emma' }, standing: 'confirmed', note: 'the studio named the cast', source: { publisher: 'CJ ENM', kind: 'press-release' } } },
    // a wire report mixed up two projects: these two belong to 'Going to Abandon My Mother'
    { type: 'AttachTalent', data: { workId: REMAKE, attachmentId: 'a-lee', personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead', source } },
    { type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-jg', organizationId: JERRYGOOD, role: 'producer', country: 'KR', source } },
    { type: 'ScheduleRelease', data: { workId: REMAKE, releaseId: 'rel-us', territory: 'US', date: { date: '2025-10', precision: 'month' }, type: 'wide', source } },
    { type: 'RescheduleRelease', data: { workId: REMAKE, releaseId: 'rel-us', date: { date: '2025-11', precision: 'month' }, source } },
    { type: 'ScheduleRelease', data: { workId: REMAKE, releaseId: 'rel-fest', territory: 'IT', date: { date: '2025-06-01', precision: 'day' }, type: 'world-premiere', festival: 'Venice', source } },
    { type: 'MarkReleaseOccurred', data: { workId: REMAKE, releaseId: 'rel-fest', source } },
    { type: 'ScheduleRelease', data: { workId: REMAKE, releaseId: 'rel-kr', territory: 'KR', date: { date: '2025-11', precision: 'month' }, type: 'wide', source } },
    { type: 'CancelRelease', data: { workId: REMAKE, releaseId: 'rel-kr', reason: 'streaming instead', source } },
    { type: 'RecordMilestone', data: { workId: REMAKE, milestoneId: 'm-1', label: 'Development began', kind: 'development-start', date: { date: '2019', precision: 'year' }, source } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, changes: { countries: ['US', 'KR', 'IE'] }, ...fix('an Irish co-producer too') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'title', id: 't-1' }, changes: { text: 'Save the Green Planet' }, ...fix('no exclamation mark on the working title') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'relation', id: 'r-1' }, changes: { relation: 'remake-of', dealId: FRANCHISE }, ...fix('a remake, under the rights deal') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'event', id: developing!.metadata.eventId }, changes: { effective: { date: '2018-05', precision: 'month' } }, ...fix('month known') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-cj' }, changes: { role: 'co-producer' }, ...fix('co-producer, not lead producer') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'talent-attachment', id: 'a-ep' }, changes: { role: 'producer' }, ...fix('producer credit') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'release', id: 'rel-us' }, changes: { type: 'limited' }, ...fix('platform release') } },
    { type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'milestone', id: 'm-1' }, changes: { date: { date: '2018', precision: 'year' } }, ...fix('seven years by 2025') } },
    { type: 'ClarifyWorkFact', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, ...fix('an English-language remake, not a sequel') } },
    { type: 'ChangeWorkFactStanding', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, standing: 'confirmed', source: { publisher: 'CJ ENM', kind: 'press-release' } } },
    { type: 'RetractWorkFact', data: { workId: REMAKE, fact: { type: 'release', id: 'rel-kr' }, ...fix('no Korean theatrical release was ever planned') } },
  );

  const mother = stream(workDecider);
  mother.run(
    {
      type: 'RegisterWork',
      data: {
        workId: MOTHER,
        kind: 'feature-film',
        originalLanguage: 'vi',
        countries: ['VN', 'KR'],
        titles: [
          { text: 'Mang Mẹ Đi Bỏ', language: 'vi', class: 'original', primary: true },
          { text: 'Going to Abandon My Mother', language: 'en', class: 'translated' },
          { text: '엄마를 버리러 갑니다', language: 'ko-Kore', class: 'translated', territory: 'KR' },
        ],
        status: 'filming',
        statusEffective: { date: '2024', precision: 'year' },
        source,
      },
    },
    { type: 'AttachTalent', data: { workId: MOTHER, personId: MO_HONG_JIN, role: 'director', source } },
    { type: 'AddCompanyCredit', data: { workId: MOTHER, organizationId: LEE_CHANG, role: 'co-producer', country: 'KR', source } },
    { type: 'AddCompanyCredit', data: { workId: MOTHER, organizationId: MOTIF, role: 'producer', country: 'VN', source } },
    { type: 'AddCompanyCredit', data: { workId: MOTHER, organizationId: ANH_TEU, role: 'co-producer', country: 'VN', source } },
    { type: 'AddCompanyCredit', data: { workId: MOTHER, organizationId: SATE, role: 'co-producer', country: 'VN', source } },
  );
  // one correction, two streams
  for (const command of [
    { type: 'MoveCompanyCredit' as const, data: { workId: REMAKE, creditId: 'c-jg', targetWorkId: MOTHER, ...fix('Jerrygood Company produces Going to Abandon My Mother') } },
    { type: 'MoveTalentAttachment' as const, data: { workId: REMAKE, attachmentId: 'a-lee', targetWorkId: MOTHER, ...fix('Lee Kwang-soo leads Going to Abandon My Mother') } },
  ]) {
    const [out, into] = decideWorkMove(command, remake.state, mother.state, context);
    remake.apply(out.events);
    mother.apply(into.events);
  }

  const hoax = stream(workDecider);
  hoax.run(
    { type: 'RegisterWork', data: { workId: HOAX, kind: 'series', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: 'Sunny: The Series', language: 'en', class: 'working' }], status: 'rumored', source } },
    { type: 'RetractWorkFact', data: { workId: HOAX, fact: { type: 'work', id: HOAX }, ...fix('no such project: a fan-made poster') } },
  );

  // --- organizations -----------------------------------------------------------------------------------------------
  const cj = stream(organizationDecider);
  cj.run(
    {
      type: 'RegisterOrganization',
      data: {
        organizationId: CJ_ENM,
        kind: 'conglomerate',
        country: 'KR',
        names: [
          { nameId: 'n-en', text: 'CJ ENM', language: 'en', kind: 'official', primary: true },
          { nameId: 'n-ko', text: '씨제이이엔엠', language: 'ko-Kore' },
        ],
        source,
      },
    },
    { type: 'UpdateOrganizationDetails', data: { organizationId: CJ_ENM, changes: { kind: 'studio' }, source } },
    { type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_GROUP, effective: { date: '2018-07', precision: 'month' }, source } },
    { type: 'AddOrganizationName', data: { organizationId: CJ_ENM, nameId: 'n-old', text: 'CJ E&M', language: 'en', kind: 'former', source } },
    { type: 'AddOrganizationName', data: { organizationId: CJ_ENM, nameId: 'n-ko2', text: 'CJ이엔엠', language: 'ko-Kore', primary: true, source } },
    { type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'organization', id: CJ_ENM }, changes: { kind: 'conglomerate' }, ...fix('the group, not a studio') } },
    { type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-old' }, changes: { text: 'CJ E&M Corporation' }, ...fix('full former name') } },
    { type: 'ClarifyOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-en' }, ...fix('stylized CJ ENM') } },
    { type: 'ChangeOrganizationFactStanding', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-en' }, standing: 'confirmed', source: { publisher: 'CJ ENM', kind: 'company-filing' } } },
    { type: 'RetractOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-ko' }, ...fix('not a name it uses') } },
  );
  const dup = stream(organizationDecider);
  dup.run(
    { type: 'RegisterOrganization', data: { organizationId: JERRYGOOD, kind: 'production-company', country: 'KR', names: [{ text: 'Jerrygood Company', language: 'en' }], source } },
    { type: 'RetractOrganizationFact', data: { organizationId: JERRYGOOD, fact: { type: 'organization', id: JERRYGOOD }, ...fix('duplicate record') } },
  );

  // --- people ------------------------------------------------------------------------------------------------------
  const lee = stream(personDecider);
  lee.run(
    {
      type: 'RegisterPerson',
      data: {
        personId: LEE_KWANG_SOO,
        names: [
          { nameId: 'n-ko', text: '이광수', language: 'ko-Kore', familyName: '이', givenName: '광수', familyNameFirst: true, primary: true },
          { nameId: 'n-rom', text: 'Lee Kwang-soo', language: 'ko-Latn', kind: 'romanization', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: true },
        ],
        nationalities: ['KR'],
        birthYear: 1984,
        source,
      },
    },
    { type: 'UpdatePersonDetails', data: { personId: LEE_KWANG_SOO, changes: { externalIds: { imdb: 'nm2142350' } }, source } },
    { type: 'AddPersonName', data: { personId: LEE_KWANG_SOO, nameId: 'n-en', text: 'Kwang-soo Lee', language: 'en', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: false, primary: true, source } },
    { type: 'CorrectPersonFact', data: { personId: LEE_KWANG_SOO, fact: { type: 'person', id: LEE_KWANG_SOO }, changes: { birthYear: 1985 }, ...fix('born 1985') } },
    { type: 'CorrectPersonFact', data: { personId: LEE_KWANG_SOO, fact: { type: 'name', id: 'n-rom' }, changes: { kind: 'stage' }, ...fix('his billed name') } },
    { type: 'ClarifyPersonFact', data: { personId: LEE_KWANG_SOO, fact: { type: 'person', id: LEE_KWANG_SOO }, ...fix('the actor, not the novelist') } },
    { type: 'ChangePersonFactStanding', data: { personId: LEE_KWANG_SOO, fact: { type: 'person', id: LEE_KWANG_SOO }, standing: 'confirmed', source: { publisher: 'King Kong by Starship', kind: 'interview' } } },
    { type: 'RetractPersonFact', data: { personId: LEE_KWANG_SOO, fact: { type: 'name', id: 'n-ko' }, ...fix('x') } },
  );
  const ghost = stream(personDecider);
  ghost.run(
    { type: 'RegisterPerson', data: { personId: MO_HONG_JIN, names: [{ text: '모홍진', language: 'ko-Kore' }], source } },
    { type: 'RetractPersonFact', data: { personId: MO_HONG_JIN, fact: { type: 'person', id: MO_HONG_JIN }, ...fix('duplicate record') } },
    { type: 'ErasePersonData', data: { personId: MO_HONG_JIN, erasedKeyIds: [uuid(900)], ...fix('erasure requested by the person') } },
  );

  // --- merges: one decision, two streams; and its undo -------------------------------------------------------------
  const leeTwin = stream(personDecider);
  leeTwin.run({ type: 'RegisterPerson', data: { personId: uuid(203), names: [{ text: 'Lee Kwangsoo', language: 'ko-Latn' }], distinctFrom: [LEE_KWANG_SOO], source } as never });
  for (const command of [
    { type: 'MergePerson' as const, data: { personId: uuid(203), survivorId: LEE_KWANG_SOO, ...fix('one actor, two records') } },
    { type: 'UndoPersonMerge' as const, data: { personId: uuid(203), ...fix('two actors after all') } },
  ]) {
    const [out, into] = decidePersonMerge(command, leeTwin.state, lee.state, context);
    leeTwin.apply(out.events);
    lee.apply(into.events);
  }
  const cjTwin = stream(organizationDecider);
  cjTwin.run({ type: 'RegisterOrganization', data: { organizationId: uuid(107), kind: 'studio', country: 'KR', names: [{ text: 'CJ E&M', language: 'en' }], source } });
  for (const command of [
    { type: 'MergeOrganization' as const, data: { organizationId: uuid(107), survivorId: CJ_ENM, ...fix('the former name of CJ ENM') } },
    { type: 'UndoOrganizationMerge' as const, data: { organizationId: uuid(107), ...fix('a different company') } },
  ]) {
    const [out, into] = decideOrganizationMerge(command, cjTwin.state, cj.state, context);
    cjTwin.apply(out.events);
    cj.apply(into.events);
  }
  const originalTwin = stream(workDecider);
  originalTwin.run({
    type: 'RegisterWork',
    data: {
      workId: uuid(304),
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      productionYear: 2003,
      titles: [{ text: 'Save the Green Planet', language: 'en', class: 'translated', primary: true }],
      distinctFrom: [ORIGINAL],
      source,
    } as never,
  });
  for (const command of [
    { type: 'MergeWork' as const, data: { workId: uuid(304), survivorId: ORIGINAL, ...fix('one film, registered twice') } },
    { type: 'UndoWorkMerge' as const, data: { workId: uuid(304), ...fix('two films after all') } },
  ]) {
    const [out, into] = decideWorkMerge(command, originalTwin.state, original.state, context);
    originalTwin.apply(out.events);
    original.apply(into.events);
  }

  // --- deals -------------------------------------------------------------------------------------------------------
  const franchise = stream(dealDecider);
  franchise.run(
    {
      type: 'AnnounceDeal',
      data: {
        dealId: FRANCHISE,
        type: 'localization-franchise',
        name: 'One Source Multi Territory',
        parties: [{ partyId: 'p-cj', organizationId: CJ_ENM, side: 'rights-holder' }],
        works: [
          { workId: MISS_GRANNY, role: 'source' },
          { workId: MISS_GRANNY_VN, role: 'subject', territory: 'VN' },
        ],
        territories: ['VN', 'JP', 'CN', 'TH', 'ID', 'PH'],
        termsDisclosed: false,
        announcedAt: { date: '2014', precision: 'year' },
        source,
      },
    },
    { type: 'UpdateDealDetails', data: { dealId: FRANCHISE, changes: { languages: ['vi', 'ja', 'zh', 'th', 'id', 'fil'] }, source } },
    { type: 'AddDealParty', data: { dealId: FRANCHISE, partyId: 'p-vn', organizationId: ANH_TEU, side: 'co-producer', source } },
    { type: 'AddWorkToDeal', data: { dealId: FRANCHISE, workId: MISS_GRANNY_JP, role: 'subject', territory: 'CN', source } },
    { type: 'ChangeDealStatus', data: { dealId: FRANCHISE, to: 'closed', effective: { date: '2015', precision: 'year' }, source } },
  );
  franchise.run(
    { type: 'CorrectDealFact', data: { dealId: FRANCHISE, fact: { type: 'deal', id: FRANCHISE }, changes: { announcedAt: { date: '2015', precision: 'year' } }, ...fix('announced 2015') } },
    { type: 'CorrectDealFact', data: { dealId: FRANCHISE, fact: { type: 'party', id: 'p-vn' }, changes: { organizationId: MOTIF }, ...fix('the Vietnamese partner was another company') } },
    { type: 'CorrectDealFact', data: { dealId: FRANCHISE, fact: { type: 'work', id: MISS_GRANNY_JP }, changes: { territory: 'JP' }, ...fix('the Japanese version') } },
    {
      type: 'CorrectDealFact',
      data: { dealId: FRANCHISE, fact: { type: 'status-change', id: franchise.state.statusHistory.at(-1)!.statusChangeId }, changes: { effective: { date: '2015-06', precision: 'month' } }, ...fix('month known') },
    },
    { type: 'ClarifyDealFact', data: { dealId: FRANCHISE, fact: { type: 'deal', id: FRANCHISE }, ...fix('CJ co-produces or finances each local version') } },
    { type: 'ChangeDealFactStanding', data: { dealId: FRANCHISE, fact: { type: 'deal', id: FRANCHISE }, standing: 'confirmed', note: 'both sides confirmed it to us', source: { publisher: 'reelwire desk', kind: 'own-reporting' } } },
    { type: 'RetractDealFact', data: { dealId: FRANCHISE, fact: { type: 'work', id: MISS_GRANNY_VN }, ...fix('the Vietnamese version is covered by a separate deal') } },
  );
  const copro = stream(dealDecider);
  copro.run(
    {
      type: 'AnnounceDeal',
      data: {
        dealId: COPRO,
        type: 'co-production',
        parties: [JERRYGOOD, LEE_CHANG, MOTIF, ANH_TEU, SATE].map((organizationId) => ({ organizationId, side: 'co-producer' as const })),
        works: [{ workId: MOTHER, role: 'subject' }],
        territories: ['KR', 'VN'],
        languages: ['vi', 'ko'],
        termsDisclosed: false,
        announcedAt: { date: '2024', precision: 'year' },
        source,
      },
    },
    { type: 'RetractDealFact', data: { dealId: COPRO, fact: { type: 'deal', id: COPRO }, ...fix('reported twice; see the other record') } },
  );
}

describe('decided events conform to the published contract', () => {
  beforeAll(runScenario);

  it('the scenario exercises every event type of every aggregate', () => {
    const seen = new Set(emitted.map((e) => e.type));
    const all = [...WORK_EVENT_TYPES, ...ORGANIZATION_EVENT_TYPES, ...PERSON_EVENT_TYPES, ...DEAL_EVENT_TYPES];
    expect(all.filter((t) => !seen.has(t))).toEqual([]);
    expect(all.sort()).toEqual(eventContracts.map((c) => c.type).sort());
  });

  it('evolve never changes a state it was given: every state of every stream reads the same after the whole stream is folded', () => {
    for (const { decider, events } of streams) {
      const kept: Array<{ state: unknown; json: string }> = [];
      let state = decider.initialState();
      for (const event of events) {
        kept.push({ state, json: JSON.stringify(state) });
        state = decider.evolve(state, event as never);
      }
      for (const { state: old, json } of kept) expect(JSON.stringify(old)).toBe(json);
    }
    // The folded streams hold every event type the scenario emits, so every evolve case is checked.
    expect(new Set(streams.flatMap((s) => s.events.map((e) => e.type))).size).toBe(new Set(emitted.map((e) => e.type)).size);
  });

  it('every emitted event’s data matches its schema strictly (no undeclared properties)', () => {
    const problems = emitted.flatMap((event) => {
      const contract = getEventContract(event.type);
      if (!contract) return [`${event.type}: no contract`];
      return checkAgainstSchema(contract.schema, event.data, { strict: true }).map((p) => `${event.type} ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('every emitted event’s envelope matches the metadata schema once the handler completes it', () => {
    const appended = toEventsForAppend(emitted, { actor: { id: 'desk-anna', role: 'editor' }, correlationId: 'req-1', causationId: 'cmd-1' });
    const problems = appended.flatMap((e) =>
      checkAgainstSchema(eventMetadataSchema, { ...e.metadata, recordedAt: '2025-06-30T12:00:00.000Z' }, { strict: true }).map((p) => `${e.type} ${p}`),
    );
    expect(problems).toEqual([]);
    expect(appended.every((e) => e.metadata.schemaVersion === 1)).toBe(true);
    // fixes always carry their note in the envelope too
    const fixes = appended.filter((e) => /(Corrected|Clarified|Retracted|MovedIn|MovedOut)$/.test(e.type));
    expect(fixes.length).toBeGreaterThan(20);
    expect(fixes.every((e) => typeof e.metadata.note === 'string' && e.metadata.note.length > 0)).toBe(true);
  });

  it('the moved facts end up on the right work', () => {
    const moves = emitted.filter((e): e is WorkEvent => e.type === 'CompanyCreditMovedIn' || e.type === 'TalentAttachmentMovedIn');
    expect(moves.map((e) => (e.data as { workId: string }).workId)).toEqual([MOTHER, MOTHER]);
  });
});
