/**
 * A demo scenario for read-model tests, decided through the real deciders: the Hollywood remake of 'Save the Green
 * Planet!' (in development 2018 → 2025), the Korean–Vietnamese co-production 'Going to Abandon My Mother' (a credit
 * and a cast member moved to it from the remake by one correction), and CJ ENM's 'Miss Granny' localizations.
 */
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { streamIdFor, type AggregateType } from '../../../contracts/src/streams.js';
import { dealDecider } from '../../../domain/src/deal/deal.decider.js';
import { organizationDecider } from '../../../domain/src/organization/organization.decider.js';
import { personDecider } from '../../../domain/src/person/person.decider.js';
import type { DecideContext, Decider, DomainEvent } from '../../../domain/src/shared/decider.js';
import { decideWorkMove } from '../../../domain/src/work/work-move.decider.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';

export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const IDS = {
  ORIGINAL: uuid(1),
  REMAKE: uuid(2),
  MOTHER: uuid(3),
  MISS_GRANNY: uuid(10),
  MISS_GRANNY_VN: uuid(11),
  MISS_GRANNY_JP: uuid(12),
  CJ_ENM: uuid(100),
  JERRYGOOD: uuid(101),
  MOTIF: uuid(102),
  JANG: uuid(200),
  LEE_KWANG_SOO: uuid(201),
  MO_HONG_JIN: uuid(202),
  REMAKE_DEAL: uuid(300),
  FRANCHISE: uuid(301),
} as const;

const source = { publisher: 'Variety', url: 'https://variety.com/2025/film/asia/', language: 'en' };
const fix = (note: string) => ({ note, source });
const y = (date: string) => ({ date, precision: 'year' as const });

/** UUID ids for events and facts (the dead-letter table keys on the event id, a uuid). */
export function uuidContext(prefix = 'e0000000'): DecideContext {
  let n = 0;
  return { now: new Date('2025-06-30T12:00:00Z'), newId: () => `${prefix}-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

export interface ScenarioStream {
  aggregate: AggregateType;
  streamId: string;
  events: DomainEvent[];
}

/** Every stream's events in decision order, plus the global order they were "appended" in. */
export interface Scenario {
  streams: Map<string, ScenarioStream>;
  /** [streamId, index into its events] in global order. */
  order: [string, number][];
}

export function buildScenario(context: DecideContext = uuidContext()): Scenario {
  const streams = new Map<string, ScenarioStream>();
  const order: [string, number][] = [];
  const record = (aggregate: AggregateType, id: string, events: DomainEvent[]) => {
    const streamId = streamIdFor(aggregate, id);
    const stream = streams.get(streamId) ?? { aggregate, streamId, events: [] };
    streams.set(streamId, stream);
    for (const e of events) {
      order.push([streamId, stream.events.length]);
      stream.events.push(e);
    }
  };
  function runner<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, aggregate: AggregateType, id: string) {
    let state = decider.initialState();
    return {
      run(...commands: C[]) {
        for (const command of commands) {
          const events = decider.decide(command, state, context);
          state = events.reduce(decider.evolve, state);
          record(aggregate, id, events);
        }
      },
      apply(events: E[]) {
        state = events.reduce(decider.evolve, state);
        record(aggregate, id, events);
      },
      get state() {
        return state;
      },
    };
  }

  const cj = runner(organizationDecider, 'organization', IDS.CJ_ENM);
  cj.run({ type: 'RegisterOrganization', data: { organizationId: IDS.CJ_ENM, kind: 'conglomerate', country: 'KR', names: [{ text: 'CJ ENM', language: 'en', primary: true }, { text: '씨제이이엔엠', language: 'ko-Kore' }], source } });
  runner(organizationDecider, 'organization', IDS.JERRYGOOD).run({
    type: 'RegisterOrganization',
    data: { organizationId: IDS.JERRYGOOD, kind: 'production-company', country: 'KR', names: [{ text: 'Jerrygood Company', language: 'en' }], source },
  });
  runner(organizationDecider, 'organization', IDS.MOTIF).run({
    type: 'RegisterOrganization',
    data: { organizationId: IDS.MOTIF, kind: 'production-company', country: 'VN', names: [{ text: 'Motif Film', language: 'en' }], source },
  });
  runner(personDecider, 'person', IDS.JANG).run({ type: 'RegisterPerson', data: { personId: IDS.JANG, names: [{ text: 'Jang Joon-hwan', language: 'ko-Latn' }], nationalities: ['KR'], source } });
  runner(personDecider, 'person', IDS.LEE_KWANG_SOO).run({ type: 'RegisterPerson', data: { personId: IDS.LEE_KWANG_SOO, names: [{ text: 'Lee Kwang-soo', language: 'ko-Latn' }], nationalities: ['KR'], source } });
  runner(personDecider, 'person', IDS.MO_HONG_JIN).run({ type: 'RegisterPerson', data: { personId: IDS.MO_HONG_JIN, names: [{ text: 'Mo Hong-jin', language: 'ko-Latn' }], nationalities: ['KR'], source } });

  const original = runner(workDecider, 'work', IDS.ORIGINAL);
  original.run({
    type: 'RegisterWork',
    data: {
      workId: IDS.ORIGINAL,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      productionYear: 2003,
      titles: [
        { titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
        { titleId: 't-en', text: 'Save the Green Planet!', language: 'en', class: 'release', territory: 'US' },
      ],
      status: 'released',
      statusEffective: { date: '2003-04-04', precision: 'day' },
      source,
    },
  });

  const remake = runner(workDecider, 'work', IDS.REMAKE);
  remake.run(
    {
      type: 'RegisterWork',
      data: {
        workId: IDS.REMAKE,
        kind: 'feature-film',
        originalLanguage: 'en',
        countries: ['US', 'KR'],
        titles: [{ titleId: 't-1', text: 'Save the Green Planet!', language: 'en', class: 'working' }],
        status: 'announced',
        statusEffective: y('2018'),
        source,
      },
    },
    { type: 'RelateWork', data: { workId: IDS.REMAKE, relationId: 'r-1', relation: 'remake-of', targetWorkId: IDS.ORIGINAL, dealId: IDS.REMAKE_DEAL, source } },
    { type: 'ChangeWorkStatus', data: { workId: IDS.REMAKE, to: 'in-development', effective: y('2018'), source } },
    { type: 'RecordMilestone', data: { workId: IDS.REMAKE, milestoneId: 'm-dev', label: 'Development began', kind: 'development-start', date: y('2019'), source } },
    { type: 'AddCompanyCredit', data: { workId: IDS.REMAKE, creditId: 'c-cj', organizationId: IDS.CJ_ENM, role: 'producer', country: 'KR', from: y('2018'), source } },
    { type: 'AttachTalent', data: { workId: IDS.REMAKE, attachmentId: 'a-jang', personId: IDS.JANG, role: 'director', attachedAt: y('2018'), source } },
    { type: 'DetachTalent', data: { workId: IDS.REMAKE, attachmentId: 'a-jang', reason: 'stays on as executive producer', detachedAt: y('2022'), source } },
    { type: 'AttachTalent', data: { workId: IDS.REMAKE, attachmentId: 'a-jang-ep', personId: IDS.JANG, role: 'executive-producer', attachedAt: y('2022'), source } },
    // a wire report mixed up two projects: these two belong to 'Going to Abandon My Mother'
    { type: 'AttachTalent', data: { workId: IDS.REMAKE, attachmentId: 'a-lee', personId: IDS.LEE_KWANG_SOO, role: 'cast', billing: 'lead', attachedAt: y('2024'), source } },
    { type: 'AddCompanyCredit', data: { workId: IDS.REMAKE, creditId: 'c-jg', organizationId: IDS.JERRYGOOD, role: 'producer', country: 'KR', from: y('2024'), source } },
    { type: 'ScheduleRelease', data: { workId: IDS.REMAKE, releaseId: 'rel-kr', territory: 'KR', date: { date: '2025-11', precision: 'month' }, type: 'wide', source } },
    { type: 'RecordMilestone', data: { workId: IDS.REMAKE, milestoneId: 'm-shoot', label: 'Cameras rolled', kind: 'principal-photography-start', date: { date: '2025-03', precision: 'month' }, source } },
    { type: 'CorrectWorkFact', data: { workId: IDS.REMAKE, fact: { type: 'milestone', id: 'm-dev' }, changes: { date: y('2018') }, replacementId: 'm-dev-2', ...fix('development began in 2018: seven years by 2025') } },
    { type: 'RetractWorkFact', data: { workId: IDS.REMAKE, fact: { type: 'release', id: 'rel-kr' }, ...fix('no Korean theatrical release was ever planned') } },
  );

  const mother = runner(workDecider, 'work', IDS.MOTHER);
  mother.run(
    {
      type: 'RegisterWork',
      data: {
        workId: IDS.MOTHER,
        kind: 'feature-film',
        originalLanguage: 'vi',
        countries: ['VN', 'KR'],
        productionYear: 2025,
        titles: [
          { titleId: 't-vi', text: 'Mang Mẹ Đi Bỏ', language: 'vi', class: 'original', primary: true },
          { titleId: 't-en', text: 'Going to Abandon My Mother', language: 'en', class: 'translated' },
        ],
        status: 'filming',
        statusEffective: y('2024'),
        source,
      },
    },
    { type: 'AttachTalent', data: { workId: IDS.MOTHER, attachmentId: 'a-mo', personId: IDS.MO_HONG_JIN, role: 'director', attachedAt: y('2024'), source } },
    { type: 'AddCompanyCredit', data: { workId: IDS.MOTHER, creditId: 'c-motif', organizationId: IDS.MOTIF, role: 'producer', country: 'VN', source } },
  );
  for (const command of [
    { type: 'MoveCompanyCredit' as const, data: { workId: IDS.REMAKE, creditId: 'c-jg', targetWorkId: IDS.MOTHER, ...fix('Jerrygood Company produces Going to Abandon My Mother') } },
    { type: 'MoveTalentAttachment' as const, data: { workId: IDS.REMAKE, attachmentId: 'a-lee', targetWorkId: IDS.MOTHER, ...fix('Lee Kwang-soo leads Going to Abandon My Mother') } },
  ]) {
    const [out, into] = decideWorkMove(command, remake.state, mother.state, context);
    remake.apply(out!.events);
    mother.apply(into!.events);
  }
  remake.run(
    { type: 'ChangeWorkStatus', data: { workId: IDS.REMAKE, to: 'pre-production', effective: y('2024'), source } },
    { type: 'ChangeWorkStatus', data: { workId: IDS.REMAKE, to: 'filming', effective: { date: '2025-03', precision: 'month' }, source } },
  );

  const granny = runner(workDecider, 'work', IDS.MISS_GRANNY);
  granny.run({
    type: 'RegisterWork',
    data: { workId: IDS.MISS_GRANNY, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], productionYear: 2014, titles: [{ text: '수상한 그녀', language: 'ko-Kore', class: 'original', primary: true }, { text: 'Miss Granny', language: 'en', class: 'translated' }], status: 'released', statusEffective: y('2014'), source },
  });
  const vn = runner(workDecider, 'work', IDS.MISS_GRANNY_VN);
  vn.run(
    { type: 'RegisterWork', data: { workId: IDS.MISS_GRANNY_VN, kind: 'feature-film', originalLanguage: 'vi', countries: ['VN'], productionYear: 2015, titles: [{ text: 'Em Là Bà Nội Của Anh', language: 'vi', class: 'original', primary: true }], status: 'released', statusEffective: y('2015'), source } },
    { type: 'RelateWork', data: { workId: IDS.MISS_GRANNY_VN, relationId: 'r-vn', relation: 'localized-version-of', targetWorkId: IDS.MISS_GRANNY, dealId: IDS.FRANCHISE, source } },
    { type: 'AddCompanyCredit', data: { workId: IDS.MISS_GRANNY_VN, creditId: 'c-cj-vn', organizationId: IDS.CJ_ENM, role: 'co-producer', country: 'KR', source } },
  );
  const jp = runner(workDecider, 'work', IDS.MISS_GRANNY_JP);
  jp.run(
    { type: 'RegisterWork', data: { workId: IDS.MISS_GRANNY_JP, kind: 'feature-film', originalLanguage: 'ja', countries: ['JP'], productionYear: 2016, titles: [{ text: 'あやしい彼女', language: 'ja', class: 'original', primary: true }], status: 'released', statusEffective: y('2016'), source } },
    // first stated as a remake, corrected to a localized version
    { type: 'RelateWork', data: { workId: IDS.MISS_GRANNY_JP, relationId: 'r-jp', relation: 'remake-of', targetWorkId: IDS.MISS_GRANNY, source } },
    { type: 'CorrectWorkFact', data: { workId: IDS.MISS_GRANNY_JP, fact: { type: 'relation', id: 'r-jp' }, changes: { relation: 'localized-version-of', dealId: IDS.FRANCHISE }, replacementId: 'r-jp-2', ...fix('part of the localization franchise') } },
  );

  const remakeDeal = runner(dealDecider, 'deal', IDS.REMAKE_DEAL);
  remakeDeal.run(
    {
      type: 'AnnounceDeal',
      data: {
        dealId: IDS.REMAKE_DEAL,
        type: 'remake-rights',
        parties: [{ partyId: 'p-cj', organizationId: IDS.CJ_ENM, side: 'licensor' }],
        works: [{ workId: IDS.ORIGINAL, role: 'source' }, { workId: IDS.REMAKE, role: 'subject' }],
        territories: ['XW'],
        termsDisclosed: false,
        announcedAt: y('2018'),
        source,
      },
    },
    { type: 'ChangeDealStatus', data: { dealId: IDS.REMAKE_DEAL, to: 'closed', effective: y('2019'), source } },
  );
  const franchise = runner(dealDecider, 'deal', IDS.FRANCHISE);
  franchise.run(
    {
      type: 'AnnounceDeal',
      data: {
        dealId: IDS.FRANCHISE,
        type: 'localization-franchise',
        name: 'One Source Multi Territory',
        parties: [{ partyId: 'p-cj', organizationId: IDS.CJ_ENM, side: 'rights-holder' }],
        works: [{ workId: IDS.MISS_GRANNY, role: 'source' }, { workId: IDS.MISS_GRANNY_VN, role: 'subject', territory: 'VN' }, { workId: IDS.MISS_GRANNY_JP, role: 'subject', territory: 'JP' }],
        territories: ['VN', 'JP'],
        termsDisclosed: false,
        announcedAt: y('2014'),
        source,
      },
    },
  );
  return { streams, order };
}

/** The scenario as the relay publishes it: global positions in decision order, stream versions per stream. */
export function publishScenario(scenario: Scenario, start = new Date('2025-06-30T12:00:00Z')): PublishedEvent[] {
  return scenario.order.map(([streamId, index], position) => {
    const stream = scenario.streams.get(streamId)!;
    const event = stream.events[index]!;
    const recordedAt = new Date(start.getTime() + position * 1000).toISOString();
    return {
      eventId: event.metadata.eventId,
      type: event.type,
      schemaVersion: 1,
      streamId,
      streamType: stream.aggregate,
      streamVersion: index + 1,
      globalPosition: String(position + 1),
      recordedAt,
      data: event.data as Record<string, unknown>,
      metadata: {
        ...event.metadata,
        actor: { id: 'desk-test', role: 'editor' },
        correlationId: 'corr-test',
        causationId: 'cmd-test',
        recordedAt,
        schemaVersion: 1,
      },
    };
  });
}
