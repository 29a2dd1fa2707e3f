/**
 * Seeded random editorial logs for property tests of the read-model projections: every command is decided by the
 * real deciders (workDecider, dealDecider, organizationDecider, personDecider, decideWorkMove) against the folded
 * state of its stream, so the log is one the event store could really hold; a command the decider refuses is dropped
 * and another one is picked. The result is published the way the relay publishes (PublishedEvent, the Kafka
 * contract): global positions from 1 in decision order, stream versions from 1 per stream, recordedAt one second
 * apart.
 *
 * Same seed, same options → byte-identical log (ids come from the seed too, never from the clock or crypto).
 *
 * Old schema versions: none of the published event types has an upcaster (libs/contracts/src/upcasters.ts registers
 * none; every contract is at schemaVersion 1), so every event is published at its current version. When a breaking
 * change adds one, publish a share of that type at the old version here, downcast by hand.
 */
import type { PartialDate, SourceCitation } from '../../../contracts/src/envelope.js';
import { currentSchemaVersion } from '../../../contracts/src/event-contracts.js';
import type { DealDetails, DealFactRef, DealPartyValue, DealStatusChangeValue, DealWorkValue, RightsWindow } from '../../../contracts/src/events/deal.events.js';
import type { OrganizationDetails, OrganizationFactRef, OrganizationNameValue } from '../../../contracts/src/events/organization.events.js';
import type { PersonDetails, PersonExternalIds, PersonFactRef, PersonNameValue } from '../../../contracts/src/events/person.events.js';
import type {
  CompanyCreditValue,
  MilestoneValue,
  ReleaseValue,
  StatusChangeValue,
  TalentAttachmentValue,
  TitleValue,
  WorkDetails,
  WorkExternalIds,
  WorkFactRef,
  WorkRelationValue,
} from '../../../contracts/src/events/work.events.js';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { streamIdFor, type AggregateType } from '../../../contracts/src/streams.js';
import {
  BILLINGS,
  COMPANY_CREDIT_ROLES,
  DEAL_SIDES,
  DEAL_TYPES,
  DEAL_WORK_ROLES,
  FACT_STANDINGS,
  MILESTONE_KINDS,
  NAME_KINDS,
  ORGANIZATION_KINDS,
  RELEASE_STATUSES,
  RELEASE_TYPES,
  TALENT_ROLES,
  TITLE_CLASSES,
  WORK_KINDS,
  WORK_RELATION_TYPES,
  WORK_STATUSES,
  WORLDWIDE,
  type FactStanding,
  type MilestoneKind,
  type ReleaseType,
  type WorkStatus,
} from '../../../contracts/src/vocabulary.js';
import type { DealCommand } from '../../../domain/src/deal/deal.commands.js';
import { dealDecider } from '../../../domain/src/deal/deal.decider.js';
import type { DealEvent } from '../../../domain/src/deal/deal.events.js';
import type { DealState } from '../../../domain/src/deal/deal.state.js';
import { allowedNextDealStatuses } from '../../../domain/src/deal/deal.status.js';
import type { OrganizationCommand } from '../../../domain/src/organization/organization.commands.js';
import { organizationDecider } from '../../../domain/src/organization/organization.decider.js';
import type { OrganizationEvent } from '../../../domain/src/organization/organization.events.js';
import type { OrganizationState } from '../../../domain/src/organization/organization.state.js';
import type { PersonCommand } from '../../../domain/src/person/person.commands.js';
import { personDecider } from '../../../domain/src/person/person.decider.js';
import type { PersonEvent } from '../../../domain/src/person/person.events.js';
import type { PersonState } from '../../../domain/src/person/person.state.js';
import type { DecideContext, Decider, DomainEvent, FixFields, WriteFields } from '../../../domain/src/shared/decider.js';
import { DomainError } from '../../../domain/src/shared/errors.js';
import { factsByEventInOrder, isCurrent, standingOf, type Changes, type FactAnnotations, type FactsByEvent } from '../../../domain/src/shared/facts.js';
import { decideOrganizationMerge } from '../../../domain/src/organization/organization-merge.decider.js';
import { decidePersonMerge } from '../../../domain/src/person/person-merge.decider.js';
import { decideWorkMerge } from '../../../domain/src/work/work-merge.decider.js';
import { decideWorkMove } from '../../../domain/src/work/work-move.decider.js';
import type { TitleInput, WorkCommand, WorkMoveCommand } from '../../../domain/src/work/work.commands.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';
import type { WorkEvent } from '../../../domain/src/work/work.events.js';
import type { WorkState } from '../../../domain/src/work/work.state.js';
import { allowedNextStatuses, statusOf } from '../../../domain/src/work/work.status.js';

export interface RandomLogOptions {
  /** Any finite number; its integer part modulo 2^32 seeds the generator. */
  seed: number;
  /** Works registered before the random commands. Default 6. */
  works?: number;
  /** People registered before the random commands. Default 6. */
  people?: number;
  /** Organizations registered before the random commands. Default 5. */
  organizations?: number;
  /** Deal ids the commands may announce (AnnounceDeal is one of the random commands) and relations may cite. Default 3. */
  deals?: number;
  /** Random commands issued after the registrations (each one decision: one or more events). Default 40. */
  commands?: number;
  /** recordedAt of the first event, and the deciders' clock (world dates are generated before it). Default 2025-01-01T00:00:00Z. */
  start?: Date;
}

export interface RandomLog {
  events: PublishedEvent[];
  seed: number;
}

const DEFAULTS = { works: 6, people: 6, organizations: 5, deals: 3, commands: 40, start: '2025-01-01T00:00:00.000Z' } as const;

/** Picks per command at most (a refused command is followed by another pick); in practice a command takes one or two. */
const MAX_PICKS_PER_COMMAND = 200;

export function randomLog(options: RandomLogOptions): RandomLog {
  const seed = options.seed;
  if (!Number.isFinite(seed)) throw new RangeError(`randomLog: seed must be a finite number (got ${seed})`);
  const count = (name: 'works' | 'people' | 'organizations' | 'deals' | 'commands'): number => {
    const value = options[name] ?? DEFAULTS[name];
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`randomLog: ${name} must be a non-negative integer (got ${value})`);
    return value;
  };
  const start = options.start ?? new Date(DEFAULTS.start);
  if (Number.isNaN(start.getTime())) throw new RangeError('randomLog: start must be a valid date');

  const log = new LogBuilder(seed, start);
  for (let i = 0; i < count('organizations'); i += 1) log.registerOrganization();
  for (let i = 0; i < count('people'); i += 1) log.registerPerson();
  for (let i = 0; i < count('works'); i += 1) log.registerWork();
  for (let i = 0; i < count('deals'); i += 1) log.reserveDeal();
  for (let i = 0; i < count('commands'); i += 1) log.issueRandomCommand(COMMAND_KINDS);
  return { events: log.events, seed };
}

/** The log as it stood at `position`: the events with globalPosition <= position (positions compared as integers). */
export function cutAt(events: readonly PublishedEvent[], position: number | string | bigint): PublishedEvent[] {
  const limit = BigInt(position);
  return events.filter((event) => BigInt(event.globalPosition) <= limit);
}

// ---- randomness ---------------------------------------------------------------------------------------------------

/** mulberry32: a tiny, fast 32-bit PRNG; good enough to pick test data, and the same sequence on every platform. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A random item of `items`, or undefined when there is none. */
  maybePick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : this.pick(items);
  }

  /** `items` but `except`, picked from; falls back to any item when nothing else is left. */
  pickOther<T>(items: readonly T[], except: T | undefined): T {
    const others = items.filter((item) => item !== except);
    return this.pick(others.length > 0 ? others : items);
  }

  /** Between min and max distinct items, in the order of `items`. */
  someOf<T>(items: readonly T[], min: number, max: number): T[] {
    const wanted = Math.min(items.length, this.int(min, max));
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
  }

  /** The index of a weight, picked with probability proportional to it; -1 when every weight is 0. */
  weightedIndex(weights: readonly number[]): number {
    let target = this.next() * weights.reduce((sum, weight) => sum + weight, 0);
    let last = -1;
    for (let i = 0; i < weights.length; i += 1) {
      if (weights[i]! <= 0) continue;
      last = i;
      target -= weights[i]!;
      if (target < 0) return i;
    }
    return last;
  }
}

/**
 * UUID-shaped ids (version 4 and variant bits set) from their own random stream: random-looking, so that sorting by
 * id never happens to agree with creation order; the last 8 hex digits count, so no two ids of one log collide.
 */
class UuidSource {
  private issued = 0;

  constructor(private readonly random: Random) {}

  next(): string {
    const a = this.random.uint32();
    const b = this.random.uint32();
    const c = this.random.uint32();
    const d = this.random.uint32();
    this.issued += 1;
    const n = this.issued;
    // version nibble 4; variant nibble 8–b
    return (
      `${byteHex(a >>> 24)}${byteHex(a >>> 16)}${byteHex(a >>> 8)}${byteHex(a)}-${byteHex(b >>> 24)}${byteHex(b >>> 16)}-4${HEX_DIGITS[(b >>> 8) & 15]}${byteHex(b)}` +
      `-${HEX_DIGITS[8 + ((c >>> 24) & 3)]}${HEX_DIGITS[(c >>> 16) & 15]}${byteHex(c >>> 8)}-${byteHex(c)}${byteHex(d)}${byteHex(n >>> 24)}${byteHex(n >>> 16)}${byteHex(n >>> 8)}${byteHex(n)}`
    );
  }
}

const HEX_DIGITS = '0123456789abcdef';
/** Two hex digits per byte value: ids are made by the hundred thousand in a property test run. */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function byteHex(value: number): string {
  return BYTE_HEX[value & 255]!;
}

/** A distinct stream of the same seed (ids are drawn apart from choices, so one never shifts the other). */
function derivedSeed(seed: number, stream: number): number {
  return (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
}

// ---- world dates ----------------------------------------------------------------------------------------------------

/**
 * Partial dates of mixed precision. Past dates end the year before the deciders' clock (facts that happened cannot
 * be in the future); a quarter of them reuse an earlier date — as it was, or refined to a finer precision with the
 * same start ('2018' → '2018-01-01') — so timelines and as-of views meet ties.
 */
class WorldDates {
  private readonly used: PartialDate[] = [];

  constructor(
    private readonly random: Random,
    private readonly nowYear: number,
  ) {}

  past(): PartialDate {
    if (this.used.length > 0 && this.random.chance(0.25)) {
      const earlier = this.random.pick(this.used);
      return this.random.chance(0.7) ? { ...earlier } : refined(earlier, this.random);
    }
    const date = this.between(this.nowYear - 12, this.nowYear - 1);
    this.used.push(date);
    return { ...date };
  }

  /** A past date not before `from` (its own date when `from` is too recent to have a later past one). */
  pastFrom(from: PartialDate | undefined): PartialDate {
    if (!from) return this.past();
    const fromYear = Number(from.date.slice(0, 4));
    const year = this.random.int(Math.min(fromYear, this.nowYear - 1), this.nowYear - 1);
    if (year <= fromYear) return { ...from };
    return this.inYear(year);
  }

  /** Planned dates (release schedules, milestones): this year to two years on. */
  future(): PartialDate {
    return this.between(this.nowYear, this.nowYear + 2);
  }

  pastOrFuture(futureShare: number): PartialDate {
    return this.random.chance(futureShare) ? this.future() : this.past();
  }

  private between(fromYear: number, toYear: number): PartialDate {
    return this.inYear(this.random.int(fromYear, toYear));
  }

  private inYear(year: number): PartialDate {
    const roll = this.random.next();
    const month = String(this.random.int(1, 12)).padStart(2, '0');
    if (roll < 0.35) return { date: String(year), precision: 'year' };
    if (roll < 0.65) return { date: `${year}-${month}`, precision: 'month' };
    // days 1–28 exist in every month
    return { date: `${year}-${month}-${String(this.random.int(1, 28)).padStart(2, '0')}`, precision: 'day' };
  }
}

/** True when the deciders' clock would not call `date` future (check.notInFuture compares the cut ISO strings). */
function notInFuture(date: PartialDate, now: Date): boolean {
  return date.date <= now.toISOString().slice(0, date.date.length);
}

/** The same first day at a finer precision: ties on partialDateStart between dates of different precision. */
function refined(date: PartialDate, random: Random): PartialDate {
  switch (date.precision) {
    case 'year':
      return random.chance(0.5) ? { date: `${date.date}-01`, precision: 'month' } : { date: `${date.date}-01-01`, precision: 'day' };
    case 'month':
      return { date: `${date.date}-01`, precision: 'day' };
    case 'day':
      return { ...date };
  }
}

// ---- test data ------------------------------------------------------------------------------------------------------

const COUNTRIES = ['KR', 'US', 'VN', 'JP', 'CN', 'FR', 'GB', 'TH', 'ID', 'IN', 'PH', 'MX', 'ES', 'DE', 'TW', 'HK'] as const;
/** Countries, worldwide and named groups, as the trades write releases and deals. */
const TERRITORIES = [...COUNTRIES, WORLDWIDE, 'north-america', 'latin-america', 'southeast-asia', 'europe'] as const;
const LANGUAGES = ['ko', 'en', 'vi', 'ja', 'zh', 'fr', 'es', 'th', 'id', 'hi'] as const;
const TITLE_LANGUAGES = ['ko-Kore', 'ko-Latn', 'en', 'vi', 'ja-Jpan', 'zh-Hans', 'fr', 'es-419', 'th'] as const;
const TITLE_TEXTS = [
  'Save the Green Planet!',
  '지구를 지켜라!',
  'Miss Granny',
  '수상한 그녀',
  'Em Là Bà Nội Của Anh',
  'あやしい彼女',
  'Going to Abandon My Mother',
  'Mang Mẹ Đi Bỏ',
  'Midnight Runners',
  'Sunny',
  'Veteran',
  'The Host',
  'Little Forest',
  'Extreme Job',
  'Decision to Leave',
  '헤어질 결심',
  'Train to Busan',
  'Ode to My Father',
  'Hope',
  '20岁',
] as const;
const ORGANIZATION_NAMES = [
  'CJ ENM',
  'Jerrygood Company',
  'Motif Film',
  'Lotte Entertainment',
  'Showbox',
  'Barunson E&A',
  'Studio Dragon',
  'Plus M Entertainment',
  'Finecut',
  'M-Line Distribution',
  'Anthology Studios',
  'Galaxy Play',
  'Toho',
  'HKFilm',
  'Lee Chang-dong Films',
] as const;
const HANGUL_ORGANIZATION_NAMES = ['씨제이이엔엠', '쇼박스', '롯데엔터테인먼트', '바른손이앤에이', '파인컷'] as const;
const KOREAN_FAMILY_NAMES = ['Lee', 'Kim', 'Park', 'Choi', 'Jang', 'Bong', 'Song', 'Jung', 'Han', 'Mo'] as const;
const KOREAN_GIVEN_NAMES = ['Kwang-soo', 'Joon-hwan', 'Joon-ho', 'Chan-wook', 'Kang-ho', 'Min-ji', 'Ye-jin', 'Hong-jin', 'Na-rae', 'Seo-yeon'] as const;
const HANGUL_FAMILY_NAMES = ['이', '김', '박', '최', '장'] as const;
const HANGUL_GIVEN_NAMES = ['광수', '준환', '준호', '찬욱', '민지'] as const;
const OTHER_FAMILY_NAMES = ['Nguyen', 'Tran', 'Tanaka', 'Garcia', 'Martin', 'Smith', 'Yamada'] as const;
const OTHER_GIVEN_NAMES = ['Linh', 'Thu', 'Haruki', 'Maria', 'Jean', 'Alex', 'Sofia'] as const;
const STAGE_NAMES = ['IU', 'D.O.', 'Rain', 'BoA', 'Suzy'] as const;
const CHARACTERS = ['Byeong-gu', 'Oh Mal-soon', 'Hwan', 'the detective', 'the mother', 'Seo-rae', 'Hae-jun'] as const;
const FESTIVALS = [
  'Busan International Film Festival',
  'Cannes Film Festival',
  'Berlin International Film Festival',
  'Venice Film Festival',
  'Toronto International Film Festival',
  'Sundance Film Festival',
] as const;
const MILESTONE_LABELS: Record<MilestoneKind, string> = {
  'rights-acquired': 'Remake rights acquired',
  'development-start': 'Development began',
  treatment: 'Treatment delivered',
  script: 'Script locked',
  packaging: 'Director and lead attached',
  financing: 'Financing closed',
  greenlight: 'Greenlit',
  casting: 'Casting call',
  'principal-photography-start': 'Cameras rolled',
  'principal-photography-end': 'Wrapped',
  'festival-selection': 'Official selection',
  award: 'Award won',
  other: 'First look released',
};
const DEAL_NAMES = ['One Source Multi Territory', 'Asian Remake Slate', 'Green Planet Remake', 'Granny Franchise', 'Busan Co-Pro Pact'] as const;
const NOTES = [
  'a wire report mixed up two projects',
  'the trade paper corrected its report the next day',
  'confirmed with the sales agent',
  'the press release gave the wrong year',
  'the company says this was never agreed',
  'the festival catalogue lists it differently',
  'the original report was a rumor',
] as const;
const REASONS = ['scheduling conflict', 'creative differences', 'financing fell through', 'the studio let the option lapse', 'moved for a festival slot', 'the pandemic'] as const;
const SOURCES: readonly SourceCitation[] = [
  { publisher: 'Variety', url: 'https://variety.com/v/film/asia/', language: 'en', kind: 'trade-report' },
  { publisher: 'The Hollywood Reporter', url: 'https://www.hollywoodreporter.com/movies/movie-news/', language: 'en' },
  { publisher: 'Screen International', url: 'https://www.screendaily.com/news/', language: 'en', title: 'Asia deals round-up' },
  { publisher: 'Deadline' },
  { publisher: 'KoBiz', url: 'https://www.koreanfilm.or.kr/eng/news/', language: 'ko', kind: 'press-release' },
  { publisher: 'VnExpress', url: 'https://vnexpress.net/giai-tri/phim', language: 'vi', publishedAt: '2024-05-02' },
];
const ACTOR = { id: 'editor-1', role: 'editor' } as const;
/** Share of fixes that name their fact by the event that stated it ({ type: 'event', id }) rather than by fact id. */
const EVENT_REFERENCE_SHARE = 0.15;

const UPPER_HEX = '0123456789ABCDEF';
const EIDR_CHECK = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function digits(random: Random, count: number): string {
  let text = String(random.int(1, 9));
  while (text.length < count) text += String(random.int(0, 9));
  return text;
}

function workExternalId(random: Random): WorkExternalIds {
  const group = () => Array.from({ length: 4 }, () => random.pick([...UPPER_HEX])).join('');
  switch (random.int(0, 4)) {
    case 0:
      return { eidr: `10.5240/${group()}-${group()}-${group()}-${group()}-${group()}-${random.pick([...EIDR_CHECK])}` };
    case 1:
      return { kobis: digits(random, 8) };
    case 2:
      return { imdb: `tt${digits(random, 7)}` };
    case 3:
      return { tmdb: `${random.pick(['movie', 'tv'])}/${random.int(1, 999_999)}` };
    default:
      return { wikidata: `Q${random.int(1, 99_999_999)}` };
  }
}

function personExternalId(random: Random): PersonExternalIds {
  switch (random.int(0, 3)) {
    case 0:
      return { imdb: `nm${digits(random, 7)}` };
    case 1:
      return { kobis: digits(random, 8) };
    case 2:
      return { tmdb: String(random.int(1, 9_999_999)) };
    default:
      return { wikidata: `Q${random.int(1, 99_999_999)}` };
  }
}

function titleValue(random: Random): TitleValue {
  const text = random.chance(0.2) ? `${random.pick(TITLE_TEXTS)} ${random.int(2, 3)}` : random.pick(TITLE_TEXTS);
  return { text, language: random.pick(TITLE_LANGUAGES), class: random.pick(TITLE_CLASSES), ...(random.chance(0.3) ? { territory: random.pick(TERRITORIES) } : {}) };
}

function organizationName(random: Random): OrganizationNameValue {
  const hangul = random.chance(0.25);
  const name: OrganizationNameValue = hangul ? { text: random.pick(HANGUL_ORGANIZATION_NAMES), language: 'ko-Kore' } : { text: random.pick(ORGANIZATION_NAMES), language: 'en' };
  if (random.chance(0.4)) name.kind = random.pick(NAME_KINDS);
  return name;
}

/** Family-name order that matches the text, as the person decider checks: 'Lee Kwang-soo' and 이광수 family first, 'Linh Nguyen' not. */
function personName(random: Random): PersonNameValue {
  const name = ((): PersonNameValue => {
    switch (random.int(0, 3)) {
      case 0: {
        const [familyName, givenName] = [random.pick(KOREAN_FAMILY_NAMES), random.pick(KOREAN_GIVEN_NAMES)];
        return { text: `${familyName} ${givenName}`, language: 'ko-Latn', familyName, givenName, familyNameFirst: true };
      }
      case 1: {
        const [familyName, givenName] = [random.pick(HANGUL_FAMILY_NAMES), random.pick(HANGUL_GIVEN_NAMES)];
        return { text: `${familyName}${givenName}`, language: 'ko-Kore', familyName, givenName, familyNameFirst: true };
      }
      case 2: {
        const [familyName, givenName] = [random.pick(OTHER_FAMILY_NAMES), random.pick(OTHER_GIVEN_NAMES)];
        return { text: `${givenName} ${familyName}`, language: 'en', familyName, givenName, familyNameFirst: false };
      }
      default:
        return { text: random.pick(STAGE_NAMES), language: 'en', kind: 'stage' };
    }
  })();
  if (name.kind === undefined && random.chance(0.3)) name.kind = random.pick(NAME_KINDS);
  return name;
}

function current<T extends FactAnnotations>(facts: readonly T[]): T[] {
  return facts.filter(isCurrent);
}

// ---- streams and the log ----------------------------------------------------------------------------------------------

/** Events of one stream a decision appends; `commit` folds them into the stream's state. */
interface PlannedAppend {
  stream: { readonly aggregate: AggregateType; readonly streamId: string; readonly version: number };
  events: readonly DomainEvent[];
  commit(): void;
}

/** What one command decided: one append, or two for a move (source stream first). */
type Decision = PlannedAppend[];

class AggregateStream<C, E extends DomainEvent, S> {
  readonly streamId: string;
  state: S;
  version = 0;

  constructor(
    readonly aggregate: AggregateType,
    readonly id: string,
    private readonly decider: Decider<C, E, S>,
  ) {
    this.streamId = streamIdFor(aggregate, id);
    this.state = decider.initialState();
  }

  /** Throws the decider's refusal (a DomainError). */
  decide(command: C, context: DecideContext): Decision {
    return [this.plan(this.decider.decide(command, this.state, context))];
  }

  plan(events: E[]): PlannedAppend {
    return {
      stream: this,
      events,
      commit: () => {
        for (const event of events) this.state = this.decider.evolve(this.state, event);
        this.version += events.length;
      },
    };
  }
}

type WorkStream = AggregateStream<WorkCommand, WorkEvent, WorkState>;
type DealStream = AggregateStream<DealCommand, DealEvent, DealState>;
type OrganizationStream = AggregateStream<OrganizationCommand, OrganizationEvent, OrganizationState>;
type PersonStream = AggregateStream<PersonCommand, PersonEvent, PersonState>;

interface CommandKind {
  /** The command type, and for fixes the fact type it targets ('CorrectWorkFact:release'); counts issues per log. */
  name: string;
  weight: number;
  /** Undefined when there is nothing to act on; throws when the decider refuses. */
  decide(log: LogBuilder): Decision | undefined;
}

class LogBuilder {
  readonly random: Random;
  readonly dates: WorldDates;
  readonly context: DecideContext;
  readonly works: WorkStream[] = [];
  readonly people: PersonStream[] = [];
  readonly organizations: OrganizationStream[] = [];
  /** Every reserved deal id, announced or not. */
  readonly deals: DealStream[] = [];
  readonly events: PublishedEvent[] = [];
  private readonly uuids: UuidSource;
  private readonly schemaVersions = new Map<string, number>();
  private readonly issuedByKind = new Map<string, number>();

  constructor(
    seed: number,
    private readonly start: Date,
  ) {
    this.random = new Random(derivedSeed(seed, 1));
    this.uuids = new UuidSource(new Random(derivedSeed(seed, 2)));
    this.dates = new WorldDates(this.random, start.getUTCFullYear());
    this.context = { now: start, newId: () => this.uuids.next() };
  }

  get now(): Date {
    return this.context.now;
  }

  newId(): string {
    return this.uuids.next();
  }

  writeFields(): WriteFields {
    return {
      source: this.random.pick(SOURCES),
      ...(this.random.chance(0.2) ? { note: this.random.pick(NOTES) } : {}),
      // the editor dates the news explicitly now and then, overriding the date the decider would infer
      ...(this.random.chance(0.08) ? { occurredAt: this.dates.past() } : {}),
    };
  }

  /** Now and then a new fact is stated with how sure it is ("in talks" is rumored). */
  statedStanding(): { standing?: FactStanding } {
    return this.random.chance(0.25) ? { standing: this.random.pick(FACT_STANDINGS) } : {};
  }

  /** A standing other than `from`. */
  otherStanding(from: FactStanding): FactStanding {
    return this.random.pickOther(FACT_STANDINGS, from);
  }

  fixFields(): FixFields {
    return { ...this.writeFields(), note: this.random.pick(NOTES) };
  }

  reason(): string {
    return this.random.pick(REASONS);
  }

  /** A fact named by its id or, now and then, by an event that stated or changed it (the decider resolves both). */
  refTo<R extends { type: string; id: string }>(fact: NoInfer<R>, factsByEventId: FactsByEvent<R>): R | { type: 'event'; id: string } {
    if (!this.random.chance(EVENT_REFERENCE_SHARE)) return fact;
    const eventIds = factsByEventInOrder(factsByEventId)
      .filter((entry) => entry.fact.type === fact.type && entry.fact.id === fact.id)
      .map((entry) => entry.eventId);
    return eventIds.length > 0 ? { type: 'event', id: this.random.pick(eventIds) } : fact;
  }

  liveWorks(where: (state: WorkState) => boolean = () => true): WorkStream[] {
    return this.works.filter((w) => w.state.workId !== null && w.state.withdrawn === null && w.state.mergedInto === null && where(w.state));
  }

  liveDeals(where: (state: DealState) => boolean = () => true): DealStream[] {
    return this.deals.filter((d) => d.state.dealId !== null && d.state.withdrawn === null && where(d.state));
  }

  liveOrganizations(where: (state: OrganizationState) => boolean = () => true): OrganizationStream[] {
    return this.organizations.filter((o) => o.state.organizationId !== null && o.state.withdrawn === null && o.state.mergedInto === null && where(o.state));
  }

  livePeople(where: (state: PersonState) => boolean = () => true): PersonStream[] {
    return this.people.filter((p) => p.state.personId !== null && p.state.withdrawn === null && p.state.mergedInto === null && where(p.state));
  }

  /** Any organization id (a retracted one too: references made before it was withdrawn are just as real). */
  organizationId(): string | undefined {
    return this.random.maybePick(this.organizations)?.id;
  }

  personId(): string | undefined {
    return this.random.maybePick(this.people)?.id;
  }

  // -- registrations ------------------------------------------------------------------------------------------------

  registerOrganization(): void {
    const stream: OrganizationStream = new AggregateStream('organization', this.newId(), organizationDecider);
    const parent = this.random.chance(0.3) ? this.organizationId() : undefined;
    const names = this.random.someOf([organizationName(this.random), organizationName(this.random)], 1, 2);
    this.organizations.push(stream);
    this.append(
      stream.decide(
        {
          type: 'RegisterOrganization',
          data: {
            organizationId: stream.id,
            kind: this.random.pick(ORGANIZATION_KINDS),
            country: this.random.pick(COUNTRIES),
            ...(parent ? { parentOrganizationId: parent } : {}),
            names: withOnePrimary(this.random, distinctBy(names, (n) => `${n.text}|${n.language}`)),
            ...this.writeFields(),
          },
        },
        this.context,
      ),
    );
  }

  registerPerson(): void {
    const stream: PersonStream = new AggregateStream('person', this.newId(), personDecider);
    const names = distinctBy([personName(this.random), personName(this.random)].slice(0, this.random.int(1, 2)), (n) => `${n.text}|${n.language}`);
    this.people.push(stream);
    this.append(
      stream.decide(
        {
          type: 'RegisterPerson',
          data: {
            personId: stream.id,
            names: withOnePrimary(this.random, names),
            ...(this.random.chance(0.8) ? { nationalities: this.random.someOf(COUNTRIES, 1, 2) } : {}),
            ...(this.random.chance(0.5) ? { birthYear: this.random.int(1950, 2005) } : {}),
            ...(this.random.chance(0.4) ? { externalIds: personExternalId(this.random) } : {}),
            ...this.writeFields(),
          },
        },
        this.context,
      ),
    );
  }

  registerWork(): void {
    const stream: WorkStream = new AggregateStream('work', this.newId(), workDecider);
    const titles: TitleInput[] = distinctBy(
      Array.from({ length: this.random.int(1, 3) }, () => titleValue(this.random)),
      (t) => `${t.text}|${t.language}|${t.class}|${t.territory}`,
    );
    this.works.push(stream);
    this.append(
      stream.decide(
        {
          type: 'RegisterWork',
          data: {
            workId: stream.id,
            kind: this.random.pick(WORK_KINDS),
            originalLanguage: this.random.pick(LANGUAGES),
            countries: this.random.someOf(COUNTRIES, 1, 2),
            ...(this.random.chance(0.6) ? { productionYear: this.random.int(this.start.getUTCFullYear() - 12, this.start.getUTCFullYear() + 1) } : {}),
            ...(this.random.chance(0.4) ? { externalIds: workExternalId(this.random) } : {}),
            titles: withOnePrimary(this.random, titles),
            // any status may be the first one (cataloguing a released film starts at 'released')
            ...(this.random.chance(0.85) ? { status: this.random.pick(WORK_STATUSES) } : {}),
            ...(this.random.chance(0.75) ? { statusEffective: this.dates.past() } : {}),
            ...this.statedStanding(),
            ...this.writeFields(),
          },
        },
        this.context,
      ),
    );
  }

  /** A deal id AnnounceDeal may take up later; relations may already cite it (as the demo's remake deal is). */
  reserveDeal(): void {
    this.deals.push(new AggregateStream('deal', this.newId(), dealDecider));
  }

  // -- commands -----------------------------------------------------------------------------------------------------

  /**
   * One random command of `kinds` the deciders accept: a kind with nothing to act on is left out until the next
   * command, a refused one is picked again. A kind's weight shrinks with every time this log already issued it, so
   * each log spreads over many event types instead of repeating the likeliest.
   */
  issueRandomCommand(kinds: readonly CommandKind[]): void {
    const weights = kinds.map((kind) => kind.weight / (1 + (this.issuedByKind.get(kind.name) ?? 0)));
    for (let pick = 0; pick < MAX_PICKS_PER_COMMAND; pick += 1) {
      const index = this.random.weightedIndex(weights);
      if (index < 0) return;
      const kind = kinds[index]!;
      let decision: Decision | undefined;
      try {
        decision = kind.decide(this);
      } catch (error) {
        // a refusal is the decider doing its job; anything else is a bug in this generator or the domain
        if (error instanceof DomainError) continue;
        throw error;
      }
      if (decision === undefined) {
        weights[index] = 0;
        continue;
      }
      this.append(decision);
      this.issuedByKind.set(kind.name, (this.issuedByKind.get(kind.name) ?? 0) + 1);
      return;
    }
  }

  /** Publishes the decision's events together, in order, then folds them into their streams. */
  private append(decision: Decision): void {
    const correlationId = this.newId();
    const causationId = this.newId();
    for (const planned of decision) {
      planned.events.forEach((event, index) => this.publish(event, planned.stream, planned.stream.version + index + 1, correlationId, causationId));
      planned.commit();
    }
  }

  private publish(event: DomainEvent, stream: { aggregate: AggregateType; streamId: string }, streamVersion: number, correlationId: string, causationId: string): void {
    const position = this.events.length + 1;
    const recordedAt = new Date(this.start.getTime() + (position - 1) * 1000).toISOString();
    const schemaVersion = this.schemaVersionOf(event.type);
    const { eventId, source, occurredAt, note } = event.metadata;
    // cloned: the domain state shares these objects, and a test that edits one event must not edit another
    this.events.push({
      eventId: event.metadata.eventId,
      type: event.type,
      schemaVersion,
      streamId: stream.streamId,
      streamType: stream.aggregate,
      streamVersion,
      globalPosition: String(position),
      recordedAt,
      data: cloneJson(event.data) as Record<string, unknown>,
      metadata: {
        eventId,
        source: cloneJson(source),
        ...(occurredAt ? { occurredAt: cloneJson(occurredAt) } : {}),
        ...(note !== undefined ? { note } : {}),
        actor: { ...ACTOR },
        correlationId,
        causationId,
        recordedAt,
        schemaVersion,
      },
    });
  }

  private schemaVersionOf(type: string): number {
    let version = this.schemaVersions.get(type);
    if (version === undefined) {
      version = currentSchemaVersion(type);
      this.schemaVersions.set(type, version);
    }
    return version;
  }
}

/** A deep copy of a JSON value (what event data and metadata are); several times faster than structuredClone here. */
function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Marks one item primary; a single item is sometimes left unmarked (the deciders then make it primary themselves). */
function withOnePrimary<T extends object>(random: Random, items: readonly T[]): (T & { primary?: boolean })[] {
  const primary = random.int(0, items.length - 1);
  if (items.length === 1 && random.chance(0.5)) return [...items] as (T & { primary?: boolean })[];
  return items.map((item, i) => ({ ...item, primary: i === primary }));
}

// ---- work commands ----------------------------------------------------------------------------------------------------

function workDetailsChanges(log: LogBuilder, details: WorkDetails, correction: boolean): Changes<WorkDetails> {
  const { random } = log;
  const changes: Changes<WorkDetails> = {};
  for (const key of random.someOf(['kind', 'originalLanguage', 'countries', 'productionYear', 'externalIds'] as const, 1, 2)) {
    switch (key) {
      case 'kind':
        changes.kind = random.pickOther(WORK_KINDS, details.kind);
        break;
      case 'originalLanguage':
        changes.originalLanguage = random.pickOther(LANGUAGES, details.originalLanguage as (typeof LANGUAGES)[number]);
        break;
      case 'countries':
        changes.countries = random.someOf(COUNTRIES, 1, 3);
        break;
      case 'productionYear':
        // a correction may take back a year that should never have been stated
        changes.productionYear = correction && details.productionYear !== undefined && random.chance(0.3) ? null : random.int(log.now.getUTCFullYear() - 12, log.now.getUTCFullYear() + 1);
        break;
      case 'externalIds':
        // an update merges key by key; a correction replaces the whole object
        changes.externalIds = correction && random.chance(0.3) ? {} : workExternalId(random);
        break;
    }
  }
  return changes;
}

/** Every current fact of a work, as fixes name them. */
function currentWorkFacts(state: WorkState): WorkFactRef[] {
  return [
    { type: 'work', id: state.workId! },
    ...current(state.titles).map((t) => ({ type: 'title' as const, id: t.titleId })),
    ...current(state.relations).map((r) => ({ type: 'relation' as const, id: r.relationId })),
    ...current(state.statusHistory).map((s) => ({ type: 'status-change' as const, id: s.statusChangeId })),
    ...current(state.credits).map((c) => ({ type: 'company-credit' as const, id: c.creditId })),
    ...current(state.attachments).map((a) => ({ type: 'talent-attachment' as const, id: a.attachmentId })),
    ...current(state.releases).map((r) => ({ type: 'release' as const, id: r.releaseId })),
    ...current(state.milestones).map((m) => ({ type: 'milestone' as const, id: m.milestoneId })),
  ];
}

/** How sure a current fact of the work is now. */
function workFactStanding(state: WorkState, fact: WorkFactRef): FactStanding {
  switch (fact.type) {
    case 'work':
      return standingOf(state);
    case 'title':
      return standingOf(state.titles.find((t) => t.titleId === fact.id)!);
    case 'relation':
      return standingOf(state.relations.find((r) => r.relationId === fact.id)!);
    case 'status-change':
      return standingOf(state.statusHistory.find((c) => c.statusChangeId === fact.id)!);
    case 'company-credit':
      return standingOf(state.credits.find((c) => c.creditId === fact.id)!);
    case 'talent-attachment':
      return standingOf(state.attachments.find((a) => a.attachmentId === fact.id)!);
    case 'release':
      return standingOf(state.releases.find((r) => r.releaseId === fact.id)!);
    case 'milestone':
      return standingOf(state.milestones.find((m) => m.milestoneId === fact.id)!);
  }
}

/** The statuses a status change may be corrected to (the decider's rule: only the latest current one changes status). */
function correctableStatuses(state: WorkState, statusChangeId: string): readonly WorkStatus[] {
  const live = current(state.statusHistory);
  const change = live.find((s) => s.statusChangeId === statusChangeId);
  if (!change || live.at(-1)?.statusChangeId !== statusChangeId) return [];
  if (change.from === null) return WORK_STATUSES;
  const before = statusOf(live.slice(0, -1));
  return before.status === null ? WORK_STATUSES : allowedNextStatuses(before.status, before.lastPipeline);
}

function creditValueFor(log: LogBuilder): CompanyCreditValue | undefined {
  const { random, dates } = log;
  const organizationId = log.organizationId();
  if (!organizationId) return undefined;
  const from = random.chance(0.6) ? dates.past() : undefined;
  return {
    organizationId,
    role: random.pick(COMPANY_CREDIT_ROLES),
    ...(random.chance(0.5) ? { country: random.pick(COUNTRIES) } : {}),
    ...(random.chance(0.4) ? { territory: random.pick(TERRITORIES) } : {}),
    ...(from ? { from } : {}),
    ...(random.chance(0.1) ? { to: dates.pastFrom(from) } : {}),
  };
}

function attachmentValueFor(log: LogBuilder): TalentAttachmentValue | undefined {
  const { random, dates } = log;
  const personId = log.personId();
  if (!personId) return undefined;
  const role = random.pick(TALENT_ROLES);
  return {
    personId,
    role,
    ...(role === 'cast' && random.chance(0.6) ? { character: random.pick(CHARACTERS) } : {}),
    ...(role === 'cast' && random.chance(0.7) ? { billing: random.pick(BILLINGS) } : {}),
    ...(random.chance(0.7) ? { attachedAt: dates.past() } : {}),
  };
}

/** Festival releases name their festival (mostly). */
function festivalFor(random: Random, type: ReleaseType): { festival?: string } {
  return (type === 'festival' || type === 'world-premiere') && random.chance(0.8) ? { festival: random.pick(FESTIVALS) } : {};
}

function milestoneKind(random: Random): MilestoneKind {
  // the development timeline starts at these two: keep them frequent
  return random.chance(0.35) ? random.pick(['development-start', 'rights-acquired'] as const) : random.pick(MILESTONE_KINDS);
}

/** A role change keeps the attachment valid: only cast has a character and a billing. */
function attachmentRoleChange(random: Random, attachment: TalentAttachmentValue): Changes<TalentAttachmentValue> {
  const role = random.pickOther(TALENT_ROLES, attachment.role);
  if (role === 'cast') return { role, ...(random.chance(0.5) ? { billing: random.pick(BILLINGS) } : {}) };
  return { role, ...(attachment.character !== undefined ? { character: null } : {}), ...(attachment.billing !== undefined ? { billing: null } : {}) };
}

function correctWork(log: LogBuilder, work: WorkStream, fact: WorkFactRef, changes: object, replacementId?: string): Decision {
  return work.decide(
    {
      type: 'CorrectWorkFact',
      data: { workId: work.id, fact: log.refTo(fact, work.state.factsByEventId), changes: changes as Changes<WorkDetails>, ...(replacementId ? { replacementId } : {}), ...log.fixFields() },
    },
    log.context,
  );
}

const WORK_KINDS_OF_COMMAND: readonly CommandKind[] = [
  {
    name: 'UpdateWorkDetails',
    weight: 1,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      return work.decide({ type: 'UpdateWorkDetails', data: { workId: work.id, changes: workDetailsChanges(log, work.state.details!, false) as Partial<WorkDetails>, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectWorkFact:work',
    weight: 1,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      return correctWork(log, work, { type: 'work', id: work.id }, workDetailsChanges(log, work.state.details!, true));
    },
  },
  {
    name: 'AddTitle',
    weight: 1,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      return work.decide({ type: 'AddTitle', data: { workId: work.id, ...titleValue(log.random), ...(log.random.chance(0.3) ? { primary: true } : {}), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'SetPrimaryTitle',
    weight: 1,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks((s) => current(s.titles).some((t) => !t.primary)));
      if (!work) return undefined;
      const title = log.random.pick(current(work.state.titles).filter((t) => !t.primary));
      return work.decide({ type: 'SetPrimaryTitle', data: { workId: work.id, titleId: title.titleId, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectWorkFact:title',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.titles).length > 0));
      if (!work) return undefined;
      const title = random.pick(current(work.state.titles));
      const fresh = titleValue(random);
      const changes: Changes<TitleValue> = random.pick([
        { text: fresh.text },
        { language: fresh.language },
        { class: random.pickOther(TITLE_CLASSES, title.class) },
        { territory: title.territory !== undefined && random.chance(0.5) ? null : random.pickOther(TERRITORIES, title.territory as (typeof TERRITORIES)[number]) },
      ]);
      return correctWork(log, work, { type: 'title', id: title.titleId }, changes, random.chance(0.2) ? log.newId() : undefined);
    },
  },
  {
    name: 'RelateWork',
    weight: 1.2,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks());
      const target = work && random.maybePick(log.works.filter((w) => w !== work));
      if (!work || !target) return undefined;
      const deal = random.chance(0.4) ? random.maybePick(log.deals) : undefined;
      return work.decide(
        { type: 'RelateWork', data: { workId: work.id, relation: random.pick(WORK_RELATION_TYPES), targetWorkId: target.id, ...(deal ? { dealId: deal.id } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'CorrectWorkFact:relation',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.relations).length > 0));
      if (!work) return undefined;
      const relation = random.pick(current(work.state.relations));
      const otherTarget = random.maybePick(log.works.filter((w) => w !== work && w.id !== relation.targetWorkId));
      const otherDeal = random.maybePick(log.deals.filter((d) => d.id !== relation.dealId));
      const options: Changes<WorkRelationValue>[] = [{ relation: random.pickOther(WORK_RELATION_TYPES, relation.relation) }];
      if (otherTarget) options.push({ targetWorkId: otherTarget.id });
      if (relation.dealId !== undefined) options.push({ dealId: null });
      if (otherDeal) options.push({ dealId: otherDeal.id });
      return correctWork(log, work, { type: 'relation', id: relation.relationId }, random.pick(options));
    },
  },
  {
    name: 'ChangeWorkStatus',
    weight: 1.5,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => s.status !== 'released'));
      if (!work) return undefined;
      const { status, lastPipeline } = statusOf(work.state.statusHistory);
      const allowed = status === null ? WORK_STATUSES : allowedNextStatuses(status, lastPipeline);
      if (allowed.length === 0) return undefined;
      return work.decide(
        { type: 'ChangeWorkStatus', data: { workId: work.id, to: random.pick(allowed), effective: log.dates.past(), ...(random.chance(0.3) ? { reason: log.reason() } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'CorrectWorkFact:status-change',
    weight: 1.2,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const change = random.pick(current(work.state.statusHistory));
      const statuses = correctableStatuses(work.state, change.statusChangeId).filter((s) => s !== change.to);
      const options: Changes<StatusChangeValue>[] = [{ effective: log.dates.past() }, { reason: change.reason !== undefined && random.chance(0.5) ? null : log.reason() }];
      if (statuses.length > 0) options.push({ to: random.pick(statuses) }, { to: random.pick(statuses) });
      const changes = random.pick(options);
      // a registration that did not date its status must be dated by the correction (the value is validated whole)
      if (change.effective === undefined && changes.effective === undefined) changes.effective = log.dates.past();
      return correctWork(log, work, { type: 'status-change', id: change.statusChangeId }, changes);
    },
  },
  {
    name: 'AddCompanyCredit',
    weight: 1.5,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      const value = work && creditValueFor(log);
      if (!work || !value) return undefined;
      return work.decide({ type: 'AddCompanyCredit', data: { workId: work.id, ...value, ...log.statedStanding(), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'EndCompanyCredit',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.credits).some((c) => c.to === undefined)));
      if (!work) return undefined;
      const credit = random.pick(current(work.state.credits).filter((c) => c.to === undefined));
      return work.decide(
        { type: 'EndCompanyCredit', data: { workId: work.id, creditId: credit.creditId, to: log.dates.pastFrom(credit.from), ...(random.chance(0.5) ? { reason: log.reason() } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'CorrectWorkFact:company-credit',
    weight: 1,
    decide(log) {
      const { random, dates } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.credits).length > 0));
      if (!work) return undefined;
      const credit = random.pick(current(work.state.credits));
      const options: Changes<CompanyCreditValue>[] = [
        { role: random.pickOther(COMPANY_CREDIT_ROLES, credit.role) },
        { country: credit.country !== undefined && random.chance(0.4) ? null : random.pickOther(COUNTRIES, credit.country as (typeof COUNTRIES)[number]) },
        { territory: credit.territory !== undefined && random.chance(0.4) ? null : random.pickOther(TERRITORIES, credit.territory as (typeof TERRITORIES)[number]) },
        { from: credit.from !== undefined && random.chance(0.3) ? null : credit.to ? { ...credit.to } : dates.past() },
        { to: credit.to !== undefined && random.chance(0.4) ? null : dates.pastFrom(credit.from) },
      ];
      const organizationId = log.organizationId();
      if (organizationId && organizationId !== credit.organizationId) options.push({ organizationId });
      return correctWork(log, work, { type: 'company-credit', id: credit.creditId }, random.pick(options));
    },
  },
  {
    name: 'AttachTalent',
    weight: 1.5,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      const value = work && attachmentValueFor(log);
      if (!work || !value) return undefined;
      return work.decide({ type: 'AttachTalent', data: { workId: work.id, ...value, ...log.statedStanding(), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'DetachTalent',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.attachments).some((a) => !a.detached)));
      if (!work) return undefined;
      const attachment = random.pick(current(work.state.attachments).filter((a) => !a.detached));
      return work.decide(
        {
          type: 'DetachTalent',
          data: { workId: work.id, attachmentId: attachment.attachmentId, reason: log.reason(), ...(random.chance(0.6) ? { detachedAt: log.dates.pastFrom(attachment.attachedAt) } : {}), ...log.writeFields() },
        },
        log.context,
      );
    },
  },
  {
    name: 'CorrectWorkFact:talent-attachment',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.attachments).length > 0));
      if (!work) return undefined;
      const attachment = random.pick(current(work.state.attachments));
      const options: Changes<TalentAttachmentValue>[] = [attachmentRoleChange(random, attachment), { attachedAt: attachment.attachedAt !== undefined && random.chance(0.3) ? null : log.dates.past() }];
      if (attachment.role === 'cast') {
        options.push({ character: attachment.character !== undefined && random.chance(0.3) ? null : random.pickOther(CHARACTERS, attachment.character as (typeof CHARACTERS)[number]) });
        options.push({ billing: random.pickOther(BILLINGS, attachment.billing) });
      }
      const personId = log.personId();
      if (personId && personId !== attachment.personId) options.push({ personId });
      return correctWork(log, work, { type: 'talent-attachment', id: attachment.attachmentId }, random.pick(options));
    },
  },
  {
    name: 'ScheduleRelease',
    weight: 1.5,
    decide(log) {
      const { random, dates } = log;
      const work = random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const type = random.pick(RELEASE_TYPES);
      const occurred = random.chance(0.15);
      const distributorId = random.chance(0.4) ? log.organizationId() : undefined;
      return work.decide(
        {
          type: 'ScheduleRelease',
          data: {
            workId: work.id,
            territory: random.pick(TERRITORIES),
            date: occurred ? dates.past() : dates.pastOrFuture(0.5),
            type,
            ...(occurred ? { status: 'occurred' as const } : random.chance(0.3) ? { status: 'scheduled' as const } : {}),
            ...(distributorId ? { distributorId } : {}),
            ...festivalFor(random, type),
            ...log.writeFields(),
          },
        },
        log.context,
      );
    },
  },
  {
    name: 'RescheduleRelease',
    weight: 1.5,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.releases).some(isOpenRelease)));
      if (!work) return undefined;
      const release = random.pick(current(work.state.releases).filter(isOpenRelease));
      return work.decide(
        { type: 'RescheduleRelease', data: { workId: work.id, releaseId: release.releaseId, date: log.dates.pastOrFuture(0.6), ...(random.chance(0.5) ? { reason: log.reason() } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'MarkReleaseOccurred',
    weight: 1.5,
    decide(log) {
      const { random, dates } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.releases).some(isOpenRelease)));
      if (!work) return undefined;
      const release = random.pick(current(work.state.releases).filter(isOpenRelease));
      // without a date the release's own date is taken: only when that is not in the future
      const keepDate = notInFuture(release.date, log.now) && random.chance(0.5);
      return work.decide(
        { type: 'MarkReleaseOccurred', data: { workId: work.id, releaseId: release.releaseId, ...(keepDate ? {} : { date: dates.past() }), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'CancelRelease',
    weight: 1.2,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.releases).some(isOpenRelease)));
      if (!work) return undefined;
      const release = random.pick(current(work.state.releases).filter(isOpenRelease));
      return work.decide({ type: 'CancelRelease', data: { workId: work.id, releaseId: release.releaseId, ...(random.chance(0.6) ? { reason: log.reason() } : {}), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectWorkFact:release',
    weight: 1,
    decide(log) {
      const { random, dates } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.releases).length > 0));
      if (!work) return undefined;
      const release = random.pick(current(work.state.releases));
      const status = random.pickOther(RELEASE_STATUSES, release.status);
      const type = random.pickOther(RELEASE_TYPES, release.type);
      const distributorId = log.organizationId();
      const options: Changes<ReleaseValue>[] = [
        { date: release.status === 'occurred' ? dates.past() : dates.pastOrFuture(0.4) },
        { territory: random.pickOther(TERRITORIES, release.territory as (typeof TERRITORIES)[number]) },
        { type, ...festivalFor(random, type) },
        // an occurred release cannot be dated in the future
        { status, ...(status === 'occurred' && !notInFuture(release.date, log.now) ? { date: dates.past() } : {}) },
        { distributorId: release.distributorId !== undefined && random.chance(0.4) ? null : distributorId },
        { festival: release.festival !== undefined && random.chance(0.4) ? null : random.pickOther(FESTIVALS, release.festival as (typeof FESTIVALS)[number]) },
      ];
      return correctWork(log, work, { type: 'release', id: release.releaseId }, random.pick(options));
    },
  },
  {
    name: 'RecordMilestone',
    weight: 1.5,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const kind = milestoneKind(random);
      return work.decide(
        { type: 'RecordMilestone', data: { workId: work.id, kind, label: MILESTONE_LABELS[kind], date: log.dates.pastOrFuture(0.2), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'CorrectWorkFact:milestone',
    weight: 1,
    decide(log) {
      const { random } = log;
      const work = random.maybePick(log.liveWorks((s) => current(s.milestones).length > 0));
      if (!work) return undefined;
      const milestone = random.pick(current(work.state.milestones));
      const kind = random.pickOther(MILESTONE_KINDS, milestone.kind);
      const options: Changes<MilestoneValue>[] = [{ date: log.dates.past() }, { kind, label: MILESTONE_LABELS[kind] }, { label: `${milestone.label} (revised)` }];
      return correctWork(log, work, { type: 'milestone', id: milestone.milestoneId }, random.pick(options));
    },
  },
  {
    name: 'ClarifyWorkFact',
    weight: 1.5,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const fact = log.random.pick(currentWorkFacts(work.state));
      return work.decide({ type: 'ClarifyWorkFact', data: { workId: work.id, fact: log.refTo(fact, work.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'ChangeWorkFactStanding',
    weight: 1.5,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const fact = log.random.pick(currentWorkFacts(work.state));
      const standing = log.otherStanding(workFactStanding(work.state, fact));
      return work.decide({ type: 'ChangeWorkFactStanding', data: { workId: work.id, fact: log.refTo(fact, work.state.factsByEventId), standing, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'RetractWorkFact',
    weight: 1.5,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      const { state } = work;
      const onlyStatus = current(state.statusHistory).length === 1;
      // the decider refuses these: a work always keeps one primary title and one status
      const retractable = currentWorkFacts(state).filter(
        (f) => f.type !== 'work' && !(f.type === 'title' && state.titles.find((t) => t.titleId === f.id)?.primary) && !(f.type === 'status-change' && onlyStatus),
      );
      const fact = log.random.maybePick(retractable);
      if (!fact) return undefined;
      return work.decide({ type: 'RetractWorkFact', data: { workId: work.id, fact: log.refTo(fact, state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'RetractWorkFact:work',
    weight: 0.15,
    decide(log) {
      const work = log.random.maybePick(log.liveWorks());
      if (!work) return undefined;
      return work.decide({ type: 'RetractWorkFact', data: { workId: work.id, fact: log.refTo({ type: 'work', id: work.id }, work.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'MoveCompanyCredit',
    weight: 1,
    decide(log) {
      const { random } = log;
      const source = random.maybePick(log.liveWorks((s) => current(s.credits).length > 0));
      const target = source && random.maybePick(log.liveWorks().filter((w) => w !== source));
      if (!source || !target) return undefined;
      const credit = random.pick(current(source.state.credits));
      const changes: MoveChanges<'MoveCompanyCredit'> | undefined = random.chance(0.3)
        ? random.pick([{ role: random.pickOther(COMPANY_CREDIT_ROLES, credit.role) }, { territory: random.pick(TERRITORIES) }])
        : undefined;
      return move(log, source, target, {
        type: 'MoveCompanyCredit',
        data: { workId: source.id, creditId: credit.creditId, targetWorkId: target.id, ...(changes ? { changes } : {}), ...(random.chance(0.2) ? { targetCreditId: log.newId() } : {}), ...log.fixFields() },
      });
    },
  },
  {
    name: 'MoveTalentAttachment',
    weight: 1,
    decide(log) {
      const { random } = log;
      const source = random.maybePick(log.liveWorks((s) => current(s.attachments).some((a) => !a.detached)));
      const target = source && random.maybePick(log.liveWorks().filter((w) => w !== source));
      if (!source || !target) return undefined;
      const attachment = random.pick(current(source.state.attachments).filter((a) => !a.detached));
      const changes: MoveChanges<'MoveTalentAttachment'> | undefined = random.chance(0.3) ? attachmentRoleChange(random, attachment) : undefined;
      return move(log, source, target, {
        type: 'MoveTalentAttachment',
        data: { workId: source.id, attachmentId: attachment.attachmentId, targetWorkId: target.id, ...(changes ? { changes } : {}), ...log.fixFields() },
      });
    },
  },
];

type MoveChanges<T extends WorkMoveCommand['type']> = NonNullable<Extract<WorkMoveCommand, { type: T }>['data']['changes']>;

function isOpenRelease(release: { status: string }): boolean {
  return release.status === 'scheduled' || release.status === 'moved';
}

/** ONE correction over two streams: the source's events are appended first, then the target's. */
function move(log: LogBuilder, source: WorkStream, target: WorkStream, command: WorkMoveCommand): Decision {
  const [out, into] = decideWorkMove(command, source.state, target.state, log.context);
  return [source.plan(out.events), target.plan(into.events)];
}

// ---- deal commands ----------------------------------------------------------------------------------------------------

function rightsWindow(log: LogBuilder): RightsWindow {
  const from = log.random.chance(0.8) ? log.dates.past() : undefined;
  const to = log.random.chance(0.6) ? (log.random.chance(0.5) ? log.dates.pastFrom(from) : log.dates.future()) : undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function partyFor(log: LogBuilder, share = log.random.chance(0.3)): DealPartyValue | undefined {
  const organizationId = log.organizationId();
  if (!organizationId) return undefined;
  return { organizationId, side: log.random.pick(DEAL_SIDES), ...(share ? { share: log.random.pick([10, 20, 25, 30, 33.3]) } : {}) };
}

function dealWorkFor(log: LogBuilder, workId: string): DealWorkValue {
  return { workId, role: log.random.pick(DEAL_WORK_ROLES), ...(log.random.chance(0.4) ? { territory: log.random.pick(TERRITORIES) } : {}) };
}

function correctDeal(log: LogBuilder, deal: DealStream, fact: DealFactRef, changes: object): Decision {
  return deal.decide(
    { type: 'CorrectDealFact', data: { dealId: deal.id, fact: log.refTo(fact, deal.state.factsByEventId), changes: changes as Changes<DealDetails>, ...log.fixFields() } },
    log.context,
  );
}

function currentDealFacts(state: DealState): DealFactRef[] {
  return [
    { type: 'deal', id: state.dealId! },
    ...current(state.parties).map((p) => ({ type: 'party' as const, id: p.partyId })),
    ...current(state.works).map((w) => ({ type: 'work' as const, id: w.workId })),
    ...current(state.statusHistory).map((s) => ({ type: 'status-change' as const, id: s.statusChangeId })),
  ];
}

/** How sure a current fact of the deal is now. */
function dealFactStanding(state: DealState, fact: DealFactRef): FactStanding {
  switch (fact.type) {
    case 'deal':
      return standingOf(state);
    case 'party':
      return standingOf(state.parties.find((p) => p.partyId === fact.id)!);
    case 'work':
      return standingOf(current(state.works).find((w) => w.workId === fact.id)!);
    case 'status-change':
      return standingOf(state.statusHistory.find((c) => c.statusChangeId === fact.id)!);
  }
}

const DEAL_KINDS_OF_COMMAND: readonly CommandKind[] = [
  {
    name: 'AnnounceDeal',
    weight: 2,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.deals.filter((d) => d.state.dealId === null));
      if (!deal) return undefined;
      const type = random.pick(DEAL_TYPES);
      const parties = distinctBy(
        Array.from({ length: random.int(1, 3) }, () => partyFor(log)).filter((p) => p !== undefined),
        (p) => `${p.organizationId}|${p.side}`,
      );
      if (parties.length === 0) return undefined;
      return deal.decide(
        {
          type: 'AnnounceDeal',
          data: {
            dealId: deal.id,
            type,
            ...(random.chance(0.4) ? { name: random.pick(DEAL_NAMES) } : {}),
            parties: parties.map((p) => (random.chance(0.2) ? { ...p, partyId: log.newId() } : p)),
            works: random.someOf(log.works, 0, 3).map((w) => dealWorkFor(log, w.id)),
            ...(random.chance(0.8) ? { territories: random.someOf(TERRITORIES, 1, 3) } : {}),
            ...(random.chance(0.5) ? { languages: random.someOf(LANGUAGES, 1, 2) } : {}),
            ...(random.chance(0.3) ? { rightsWindow: rightsWindow(log) } : {}),
            ...log.statedStanding(),
            termsDisclosed: random.chance(0.3),
            ...(type === 'co-production' && random.chance(0.6) ? { coProductionTreaty: random.chance(0.5) } : {}),
            announcedAt: log.dates.past(),
            ...log.writeFields(),
          },
        },
        log.context,
      );
    },
  },
  {
    name: 'UpdateDealDetails',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const details = deal.state.details!;
      const options: Partial<Omit<DealDetails, 'type' | 'announcedAt'>>[] = [
        { name: random.pick(DEAL_NAMES) },
        { territories: random.someOf(TERRITORIES, 1, 4) },
        { languages: random.someOf(LANGUAGES, 0, 2) },
        { rightsWindow: rightsWindow(log) },
        { termsDisclosed: !details.termsDisclosed },
      ];
      if (details.type === 'co-production') options.push({ coProductionTreaty: !details.coProductionTreaty });
      const changes = Object.assign({}, ...random.someOf(options, 1, 2)) as Partial<Omit<DealDetails, 'type' | 'announcedAt'>>;
      return deal.decide({ type: 'UpdateDealDetails', data: { dealId: deal.id, changes, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectDealFact:deal',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const details = deal.state.details!;
      const type = random.pickOther(DEAL_TYPES, details.type);
      const options: Changes<DealDetails>[] = [
        // a treaty flag belongs to co-productions only: it goes when the type is corrected away from one
        { type, ...(type !== 'co-production' && details.coProductionTreaty !== undefined ? { coProductionTreaty: null } : {}) },
        { name: details.name !== undefined && random.chance(0.4) ? null : random.pick(DEAL_NAMES) },
        { territories: random.someOf(TERRITORIES, 0, 3) },
        { languages: random.someOf(LANGUAGES, 0, 2) },
        { rightsWindow: details.rightsWindow !== undefined && random.chance(0.4) ? null : rightsWindow(log) },
        { termsDisclosed: !details.termsDisclosed },
        { announcedAt: log.dates.past() },
      ];
      if (details.type === 'co-production') options.push({ coProductionTreaty: details.coProductionTreaty !== undefined && random.chance(0.4) ? null : !details.coProductionTreaty });
      return correctDeal(log, deal, { type: 'deal', id: deal.id }, random.pick(options));
    },
  },
  {
    name: 'AddDealParty',
    weight: 1,
    decide(log) {
      const deal = log.random.maybePick(log.liveDeals());
      const party = deal && partyFor(log);
      if (!deal || !party) return undefined;
      return deal.decide({ type: 'AddDealParty', data: { dealId: deal.id, ...party, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectDealFact:party',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals((s) => current(s.parties).length > 0));
      if (!deal) return undefined;
      const party = random.pick(current(deal.state.parties));
      const options: Changes<DealPartyValue>[] = [{ side: random.pickOther(DEAL_SIDES, party.side) }, { share: party.share !== undefined && random.chance(0.4) ? null : random.pick([5, 15, 40]) }];
      const organizationId = log.organizationId();
      if (organizationId && organizationId !== party.organizationId) options.push({ organizationId });
      return correctDeal(log, deal, { type: 'party', id: party.partyId }, random.pick(options));
    },
  },
  {
    name: 'AddWorkToDeal',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const work = random.maybePick(log.works.filter((w) => !current(deal.state.works).some((dw) => dw.workId === w.id)));
      if (!work) return undefined;
      return deal.decide({ type: 'AddWorkToDeal', data: { dealId: deal.id, ...dealWorkFor(log, work.id), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectDealFact:work',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals((s) => current(s.works).length > 0));
      if (!deal) return undefined;
      const dealWork = random.pick(current(deal.state.works));
      const options: Changes<DealWorkValue>[] = [
        { role: random.pickOther(DEAL_WORK_ROLES, dealWork.role) },
        { territory: dealWork.territory !== undefined && random.chance(0.4) ? null : random.pickOther(TERRITORIES, dealWork.territory as (typeof TERRITORIES)[number]) },
      ];
      const otherWork = random.maybePick(log.works.filter((w) => !current(deal.state.works).some((dw) => dw.workId === w.id)));
      if (otherWork) options.push({ workId: otherWork.id });
      return correctDeal(log, deal, { type: 'work', id: dealWork.workId }, random.pick(options));
    },
  },
  {
    name: 'ChangeDealStatus',
    weight: 1.2,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals((s) => allowedNextDealStatuses(s.status ?? 'announced').length > 0));
      if (!deal) return undefined;
      return deal.decide(
        {
          type: 'ChangeDealStatus',
          data: { dealId: deal.id, to: random.pick(allowedNextDealStatuses(deal.state.status ?? 'announced')), effective: log.dates.past(), ...(random.chance(0.4) ? { reason: log.reason() } : {}), ...log.writeFields() },
        },
        log.context,
      );
    },
  },
  {
    name: 'CorrectDealFact:status-change',
    weight: 1,
    decide(log) {
      const { random } = log;
      const deal = random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const live = current(deal.state.statusHistory);
      const change = random.pick(live);
      const options: Changes<DealStatusChangeValue>[] = [{ effective: log.dates.past() }, { reason: change.reason !== undefined && random.chance(0.5) ? null : log.reason() }];
      // the announcement's status stays 'announced'; only the latest change may be corrected to another status
      if (change.from !== null && live.at(-1) === change) {
        const statuses = allowedNextDealStatuses(change.from).filter((s) => s !== change.to);
        if (statuses.length > 0) options.push({ to: random.pick(statuses) }, { to: random.pick(statuses) });
      }
      return correctDeal(log, deal, { type: 'status-change', id: change.statusChangeId }, random.pick(options));
    },
  },
  {
    name: 'ClarifyDealFact',
    weight: 1,
    decide(log) {
      const deal = log.random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const fact = log.random.pick(currentDealFacts(deal.state));
      return deal.decide({ type: 'ClarifyDealFact', data: { dealId: deal.id, fact: log.refTo(fact, deal.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'ChangeDealFactStanding',
    weight: 1,
    decide(log) {
      const deal = log.random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const fact = log.random.pick(currentDealFacts(deal.state));
      const standing = log.otherStanding(dealFactStanding(deal.state, fact));
      return deal.decide({ type: 'ChangeDealFactStanding', data: { dealId: deal.id, fact: log.refTo(fact, deal.state.factsByEventId), standing, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'RetractDealFact',
    weight: 1,
    decide(log) {
      const deal = log.random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      const { state } = deal;
      const onlyParty = current(state.parties).length === 1;
      // the decider refuses these: a deal keeps one party, and its announcement is retracted only with the deal
      const retractable = currentDealFacts(state).filter(
        (f) => f.type !== 'deal' && !(f.type === 'party' && onlyParty) && !(f.type === 'status-change' && state.statusHistory.find((s) => s.statusChangeId === f.id)?.from === null),
      );
      const fact = log.random.maybePick(retractable);
      if (!fact) return undefined;
      return deal.decide({ type: 'RetractDealFact', data: { dealId: deal.id, fact: log.refTo(fact, state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'RetractDealFact:deal',
    weight: 0.15,
    decide(log) {
      const deal = log.random.maybePick(log.liveDeals());
      if (!deal) return undefined;
      return deal.decide({ type: 'RetractDealFact', data: { dealId: deal.id, fact: log.refTo({ type: 'deal', id: deal.id }, deal.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
];

// ---- organization commands ------------------------------------------------------------------------------------------

function correctOrganization(log: LogBuilder, organization: OrganizationStream, fact: OrganizationFactRef, changes: object): Decision {
  return organization.decide(
    {
      type: 'CorrectOrganizationFact',
      data: { organizationId: organization.id, fact: log.refTo(fact, organization.state.factsByEventId), changes: changes as Changes<OrganizationDetails>, ...log.fixFields() },
    },
    log.context,
  );
}

const ORGANIZATION_KINDS_OF_COMMAND: readonly CommandKind[] = [
  {
    name: 'UpdateOrganizationDetails',
    weight: 1,
    decide(log) {
      const { random } = log;
      const organization = random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      const details = organization.state.details!;
      const changes = random.chance(0.5) ? { kind: random.pickOther(ORGANIZATION_KINDS, details.kind) } : { country: random.pickOther(COUNTRIES, details.country as (typeof COUNTRIES)[number]) };
      return organization.decide({ type: 'UpdateOrganizationDetails', data: { organizationId: organization.id, changes, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectOrganizationFact:organization',
    weight: 1,
    decide(log) {
      const { random } = log;
      const organization = random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      const details = organization.state.details!;
      const parent = random.maybePick(log.organizations.filter((o) => o !== organization && o.id !== details.parentOrganizationId));
      const options: Changes<OrganizationDetails>[] = [{ kind: random.pickOther(ORGANIZATION_KINDS, details.kind) }, { country: random.pickOther(COUNTRIES, details.country as (typeof COUNTRIES)[number]) }];
      if (details.parentOrganizationId !== undefined) options.push({ parentOrganizationId: null });
      if (parent) options.push({ parentOrganizationId: parent.id });
      return correctOrganization(log, organization, { type: 'organization', id: organization.id }, random.pick(options));
    },
  },
  {
    name: 'AddOrganizationName',
    weight: 1,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      return organization.decide(
        { type: 'AddOrganizationName', data: { organizationId: organization.id, ...organizationName(log.random), ...(log.random.chance(0.3) ? { primary: true } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'SetPrimaryOrganizationName',
    weight: 1,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations((s) => current(s.names).some((n) => !n.primary)));
      if (!organization) return undefined;
      const name = log.random.pick(current(organization.state.names).filter((n) => !n.primary));
      return organization.decide({ type: 'SetPrimaryOrganizationName', data: { organizationId: organization.id, nameId: name.nameId, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectOrganizationFact:name',
    weight: 1,
    decide(log) {
      const { random } = log;
      const organization = random.maybePick(log.liveOrganizations((s) => current(s.names).length > 0));
      if (!organization) return undefined;
      const name = random.pick(current(organization.state.names));
      const fresh = organizationName(random);
      const options: Changes<OrganizationNameValue>[] = [
        { text: fresh.text },
        { language: random.pickOther(['en', 'ko-Kore', 'ko-Latn', 'vi', 'ja'], name.language) },
        { kind: name.kind !== undefined && random.chance(0.4) ? null : random.pickOther(NAME_KINDS, name.kind) },
      ];
      return correctOrganization(log, organization, { type: 'name', id: name.nameId }, random.pick(options));
    },
  },
  {
    name: 'ChangeParentOrganization',
    weight: 1,
    decide(log) {
      const { random } = log;
      const organization = random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      const previous = organization.state.details!.parentOrganizationId;
      const parent = random.maybePick(log.organizations.filter((o) => o !== organization && o.id !== previous));
      // a spin-off (no parent any more) when there is one to leave
      const parentOrganizationId = previous !== undefined && (random.chance(0.35) || !parent) ? null : parent?.id;
      if (parentOrganizationId === undefined) return undefined;
      return organization.decide(
        { type: 'ChangeParentOrganization', data: { organizationId: organization.id, parentOrganizationId, ...(random.chance(0.6) ? { effective: log.dates.past() } : {}), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'ClarifyOrganizationFact',
    weight: 1,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      const facts: OrganizationFactRef[] = [{ type: 'organization', id: organization.id }, ...current(organization.state.names).map((n) => ({ type: 'name' as const, id: n.nameId }))];
      const fact = log.random.pick(facts);
      return organization.decide(
        { type: 'ClarifyOrganizationFact', data: { organizationId: organization.id, fact: log.refTo(fact, organization.state.factsByEventId), ...log.fixFields() } },
        log.context,
      );
    },
  },
  {
    name: 'ChangeOrganizationFactStanding',
    weight: 0.5,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      const { state } = organization;
      const facts: OrganizationFactRef[] = [{ type: 'organization', id: organization.id }, ...current(state.names).map((n) => ({ type: 'name' as const, id: n.nameId }))];
      const fact = log.random.pick(facts);
      const from = standingOf(fact.type === 'organization' ? state : state.names.find((n) => n.nameId === fact.id)!);
      return organization.decide(
        { type: 'ChangeOrganizationFactStanding', data: { organizationId: organization.id, fact: log.refTo(fact, state.factsByEventId), standing: log.otherStanding(from), ...log.writeFields() } },
        log.context,
      );
    },
  },
  {
    name: 'RetractOrganizationFact:name',
    weight: 1,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations((s) => current(s.names).some((n) => !n.primary)));
      if (!organization) return undefined;
      const name = log.random.pick(current(organization.state.names).filter((n) => !n.primary));
      return organization.decide(
        { type: 'RetractOrganizationFact', data: { organizationId: organization.id, fact: log.refTo({ type: 'name', id: name.nameId }, organization.state.factsByEventId), ...log.fixFields() } },
        log.context,
      );
    },
  },
  {
    name: 'RetractOrganizationFact:organization',
    weight: 0.15,
    decide(log) {
      const organization = log.random.maybePick(log.liveOrganizations());
      if (!organization) return undefined;
      return organization.decide(
        {
          type: 'RetractOrganizationFact',
          data: { organizationId: organization.id, fact: log.refTo({ type: 'organization', id: organization.id }, organization.state.factsByEventId), ...log.fixFields() },
        },
        log.context,
      );
    },
  },
];

// ---- person commands ----------------------------------------------------------------------------------------------------

function correctPerson(log: LogBuilder, person: PersonStream, fact: PersonFactRef, changes: object): Decision {
  return person.decide(
    { type: 'CorrectPersonFact', data: { personId: person.id, fact: log.refTo(fact, person.state.factsByEventId), changes: changes as Changes<PersonDetails>, ...log.fixFields() } },
    log.context,
  );
}

/** A whole other name as a correction: keys the new name lacks are removed (null), so the name stays consistent. */
function nameReplacement(previous: PersonNameValue, next: PersonNameValue): Changes<PersonNameValue> {
  const changes: Changes<PersonNameValue> = { ...next };
  for (const key of Object.keys(previous) as (keyof PersonNameValue)[]) if (previous[key] !== undefined && next[key] === undefined) changes[key] = null;
  return changes;
}

const PERSON_KINDS_OF_COMMAND: readonly CommandKind[] = [
  {
    name: 'UpdatePersonDetails',
    weight: 1,
    decide(log) {
      const { random } = log;
      const person = random.maybePick(log.livePeople());
      if (!person) return undefined;
      const changes: Partial<PersonDetails> = random.pick([{ nationalities: random.someOf(COUNTRIES, 1, 2) }, { birthYear: random.int(1950, 2005) }, { externalIds: personExternalId(random) }]);
      return person.decide({ type: 'UpdatePersonDetails', data: { personId: person.id, changes, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectPersonFact:person',
    weight: 1,
    decide(log) {
      const { random } = log;
      const person = random.maybePick(log.livePeople());
      if (!person) return undefined;
      const details = person.state.details!;
      const options: Changes<PersonDetails>[] = [
        { nationalities: random.someOf(COUNTRIES, 0, 2) },
        { birthYear: details.birthYear !== undefined && random.chance(0.3) ? null : random.int(1950, 2005) },
        // a correction replaces the whole object
        { externalIds: random.chance(0.3) ? {} : personExternalId(random) },
      ];
      return correctPerson(log, person, { type: 'person', id: person.id }, random.pick(options));
    },
  },
  {
    name: 'AddPersonName',
    weight: 1,
    decide(log) {
      const person = log.random.maybePick(log.livePeople());
      if (!person) return undefined;
      return person.decide({ type: 'AddPersonName', data: { personId: person.id, ...personName(log.random), ...(log.random.chance(0.3) ? { primary: true } : {}), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'SetPrimaryPersonName',
    weight: 1,
    decide(log) {
      const person = log.random.maybePick(log.livePeople((s) => current(s.names).some((n) => !n.primary)));
      if (!person) return undefined;
      const name = log.random.pick(current(person.state.names).filter((n) => !n.primary));
      return person.decide({ type: 'SetPrimaryPersonName', data: { personId: person.id, nameId: name.nameId, ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'CorrectPersonFact:name',
    weight: 1,
    decide(log) {
      const { random } = log;
      const person = random.maybePick(log.livePeople((s) => current(s.names).length > 0));
      if (!person) return undefined;
      const name = random.pick(current(person.state.names));
      const previous: PersonNameValue = { text: name.text, language: name.language, kind: name.kind, familyName: name.familyName, givenName: name.givenName, familyNameFirst: name.familyNameFirst };
      const changes = random.chance(0.7) ? nameReplacement(previous, personName(random)) : { kind: name.kind !== undefined && random.chance(0.4) ? null : random.pickOther(NAME_KINDS, name.kind) };
      return correctPerson(log, person, { type: 'name', id: name.nameId }, changes);
    },
  },
  {
    name: 'ClarifyPersonFact',
    weight: 1,
    decide(log) {
      const person = log.random.maybePick(log.livePeople());
      if (!person) return undefined;
      const facts: PersonFactRef[] = [{ type: 'person', id: person.id }, ...current(person.state.names).map((n) => ({ type: 'name' as const, id: n.nameId }))];
      const fact = log.random.pick(facts);
      return person.decide({ type: 'ClarifyPersonFact', data: { personId: person.id, fact: log.refTo(fact, person.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'ChangePersonFactStanding',
    weight: 0.5,
    decide(log) {
      const person = log.random.maybePick(log.livePeople());
      if (!person) return undefined;
      const { state } = person;
      const facts: PersonFactRef[] = [{ type: 'person', id: person.id }, ...current(state.names).map((n) => ({ type: 'name' as const, id: n.nameId }))];
      const fact = log.random.pick(facts);
      const from = standingOf(fact.type === 'person' ? state : state.names.find((n) => n.nameId === fact.id)!);
      return person.decide({ type: 'ChangePersonFactStanding', data: { personId: person.id, fact: log.refTo(fact, state.factsByEventId), standing: log.otherStanding(from), ...log.writeFields() } }, log.context);
    },
  },
  {
    name: 'RetractPersonFact:name',
    weight: 1,
    decide(log) {
      const person = log.random.maybePick(log.livePeople((s) => current(s.names).some((n) => !n.primary)));
      if (!person) return undefined;
      const name = log.random.pick(current(person.state.names).filter((n) => !n.primary));
      return person.decide({ type: 'RetractPersonFact', data: { personId: person.id, fact: log.refTo({ type: 'name', id: name.nameId }, person.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
  {
    // The keys are the application's; the log only names the ones destroyed, and no read model changes.
    name: 'ErasePersonData',
    weight: 0.1,
    decide(log) {
      const person = log.random.maybePick(log.livePeople());
      if (!person) return undefined;
      return person.decide({ type: 'ErasePersonData', data: { personId: person.id, erasedKeyIds: [log.context.newId()], ...log.fixFields() } }, log.context);
    },
  },
  {
    name: 'RetractPersonFact:person',
    weight: 0.15,
    decide(log) {
      const person = log.random.maybePick(log.livePeople());
      if (!person) return undefined;
      return person.decide({ type: 'RetractPersonFact', data: { personId: person.id, fact: log.refTo({ type: 'person', id: person.id }, person.state.factsByEventId), ...log.fixFields() } }, log.context);
    },
  },
];

/**
 * Merging two records found to be the same, and undoing a merge: one decision over two streams (the duplicate's events
 * first). A duplicate must not stand for duplicates of its own; the survivor is any other live record.
 */
function mergeKinds<S extends { mergedInto: unknown; absorbed: readonly unknown[] }>(
  noun: 'Person' | 'Organization' | 'Work',
  live: (log: LogBuilder) => AggregateStream<never, never, S>[],
  all: (log: LogBuilder) => AggregateStream<never, never, S>[],
  decide: (command: never, duplicate: S, survivor: S, context: DecideContext) => [{ events: unknown[] }, { events: unknown[] }],
  idField: 'personId' | 'organizationId' | 'workId',
): CommandKind[] {
  const pairOf = (log: LogBuilder, duplicate: AggregateStream<never, never, S>, survivor: AggregateStream<never, never, S>, command: object): Decision => {
    const [out, into] = decide(command as never, duplicate.state, survivor.state, log.context);
    return [duplicate.plan(out.events as never[]), survivor.plan(into.events as never[])];
  };
  return [
    {
      name: `Merge${noun}`,
      weight: 0.4,
      decide(log) {
        const duplicate = log.random.maybePick(live(log).filter((s) => s.state.absorbed.length === 0));
        const survivor = duplicate && log.random.maybePick(live(log).filter((s) => s !== duplicate));
        if (!duplicate || !survivor) return undefined;
        return pairOf(log, duplicate, survivor, { type: `Merge${noun}`, data: { [idField]: duplicate.id, survivorId: survivor.id, ...log.fixFields() } });
      },
    },
    {
      name: `Undo${noun}Merge`,
      weight: 0.6,
      decide(log) {
        const duplicate = log.random.maybePick(all(log).filter((s) => s.state.mergedInto !== null));
        if (!duplicate) return undefined;
        const { survivorId } = duplicate.state.mergedInto as { survivorId: string };
        const survivor = all(log).find((s) => s.id === survivorId)!;
        return pairOf(log, duplicate, survivor, { type: `Undo${noun}Merge`, data: { [idField]: duplicate.id, ...log.fixFields() } });
      },
    },
  ];
}

/** Every command kind the random phase picks from (registrations come before it). */
const COMMAND_KINDS: readonly CommandKind[] = [
  ...WORK_KINDS_OF_COMMAND,
  ...DEAL_KINDS_OF_COMMAND,
  ...ORGANIZATION_KINDS_OF_COMMAND,
  ...PERSON_KINDS_OF_COMMAND,
  ...mergeKinds('Person', (log) => log.livePeople() as never, (log) => log.people as never, decidePersonMerge as never, 'personId'),
  ...mergeKinds('Organization', (log) => log.liveOrganizations() as never, (log) => log.organizations as never, decideOrganizationMerge as never, 'organizationId'),
  ...mergeKinds('Work', (log) => log.liveWorks() as never, (log) => log.works as never, decideWorkMerge as never, 'workId'),
];
