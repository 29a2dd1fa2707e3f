import { partialDateStart, type PartialDate } from '../../../contracts/src/envelope.js';
import type {
  CompanyCreditValue,
  MilestoneValue,
  ReleaseValue,
  StatusChangeValue,
  TalentAttachmentValue,
  TitleValue,
  WorkDetails,
  WorkExternalIds,
  WorkRelationValue,
} from '../../../contracts/src/events/work.events.js';
import {
  BILLINGS,
  COMPANY_CREDIT_ROLES,
  MILESTONE_KINDS,
  RELEASE_STATUSES,
  RELEASE_TYPES,
  TALENT_ROLES,
  TITLE_CLASSES,
  WORK_KINDS,
  WORK_RELATION_TYPES,
  WORK_STATUSES,
} from '../../../contracts/src/vocabulary.js';
import { check, type Violations } from '../shared/validation.js';

/** Field lists per fact value: what a correction may change. */
export const WORK_DETAILS_FIELDS = ['kind', 'originalLanguage', 'countries', 'productionYear', 'externalIds'] as const satisfies readonly (keyof WorkDetails)[];
export const TITLE_FIELDS = ['text', 'language', 'class', 'territory'] as const satisfies readonly (keyof TitleValue)[];
export const RELATION_FIELDS = ['relation', 'targetWorkId', 'dealId'] as const satisfies readonly (keyof WorkRelationValue)[];
export const STATUS_CHANGE_FIELDS = ['to', 'effective', 'reason'] as const satisfies readonly (keyof StatusChangeValue)[];
export const CREDIT_FIELDS = ['organizationId', 'role', 'country', 'territory', 'from', 'to'] as const satisfies readonly (keyof CompanyCreditValue)[];
export const ATTACHMENT_FIELDS = ['personId', 'role', 'character', 'billing', 'attachedAt'] as const satisfies readonly (keyof TalentAttachmentValue)[];
export const RELEASE_FIELDS = ['territory', 'date', 'type', 'status', 'distributorId', 'festival'] as const satisfies readonly (keyof ReleaseValue)[];
export const MILESTONE_FIELDS = ['label', 'kind', 'date'] as const satisfies readonly (keyof MilestoneValue)[];

const EXTERNAL_ID_PATTERNS: Record<keyof WorkExternalIds, { pattern: RegExp; example: string }> = {
  eidr: { pattern: /^10\.5240\/([0-9A-F]{4}-){5}[0-9A-Z]$/, example: '10.5240/1489-49A2-3956-4B2D-FE16-5' },
  kobis: { pattern: /^\d{8}$/, example: '20030145' },
  imdb: { pattern: /^tt\d{7,9}$/, example: 'tt0354668' },
  tmdb: { pattern: /^(movie|tv)\/\d+$/, example: 'movie/24097' },
  wikidata: { pattern: /^Q\d+$/, example: 'Q491880' },
};

export function validateExternalIds(v: Violations, value: unknown, field: string): void {
  if (!v.check(typeof value === 'object' && value !== null && !Array.isArray(value), field, 'must be an object of external ids (eidr, kobis, imdb, tmdb, wikidata)')) return;
  for (const [key, id] of Object.entries(value as Record<string, unknown>)) {
    const rule = EXTERNAL_ID_PATTERNS[key as keyof WorkExternalIds];
    if (!rule) v.add(`${field}.${key}`, `is not a known external id; use ${Object.keys(EXTERNAL_ID_PATTERNS).join(', ')}`);
    else v.check(typeof id === 'string' && rule.pattern.test(id), `${field}.${key}`, `must look like ${rule.example}`);
  }
}

/** `partial`: only the given keys are checked (UpdateWorkDetails). */
export function validateWorkDetails(v: Violations, d: Partial<WorkDetails>, prefix: string, partial = false): void {
  const p = prefix ? `${prefix}.` : '';
  if (!partial || d.kind !== undefined) check.oneOf(v, d.kind, WORK_KINDS, `${p}kind`);
  if (!partial || d.originalLanguage !== undefined) check.language(v, d.originalLanguage, `${p}originalLanguage`);
  if (!partial || d.countries !== undefined) check.countries(v, d.countries, `${p}countries`, { min: 1 });
  if (d.productionYear !== undefined) check.year(v, d.productionYear, `${p}productionYear`);
  if (!partial || d.externalIds !== undefined) validateExternalIds(v, d.externalIds, `${p}externalIds`);
}

export function validateTitle(v: Violations, t: Partial<TitleValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.text(v, t.text, `${p}text`);
  check.language(v, t.language, `${p}language`);
  check.oneOf(v, t.class, TITLE_CLASSES, `${p}class`);
  if (t.territory !== undefined) check.territory(v, t.territory, `${p}territory`);
}

export function validateRelation(v: Violations, r: Partial<WorkRelationValue>, prefix: string, workId: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.oneOf(v, r.relation, WORK_RELATION_TYPES, `${p}relation`);
  check.aggregateId(v, r.targetWorkId, `${p}targetWorkId`);
  v.check(r.targetWorkId !== workId, `${p}targetWorkId`, 'a work cannot be related to itself');
  if (r.dealId !== undefined) check.aggregateId(v, r.dealId, `${p}dealId`);
}

export function validateStatusChange(v: Violations, s: Partial<StatusChangeValue>, prefix: string, now: Date): void {
  const p = prefix ? `${prefix}.` : '';
  check.oneOf(v, s.to, WORK_STATUSES, `${p}to`);
  check.partialDate(v, s.effective, `${p}effective`);
  check.notInFuture(v, s.effective, now, `${p}effective`);
  check.optionalText(v, s.reason, `${p}reason`, 2000);
}

function checkDateOrder(v: Violations, from: PartialDate | undefined, to: PartialDate | undefined, field: string): void {
  if (!from || !to) return;
  try {
    v.check(partialDateStart(to) >= partialDateStart(from), field, `must not be before ${from.date}`);
  } catch {
    // malformed dates are reported by their own checks
  }
}

export function validateCredit(v: Violations, c: Partial<CompanyCreditValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.aggregateId(v, c.organizationId, `${p}organizationId`);
  check.oneOf(v, c.role, COMPANY_CREDIT_ROLES, `${p}role`);
  if (c.country !== undefined) check.country(v, c.country, `${p}country`);
  if (c.territory !== undefined) check.territory(v, c.territory, `${p}territory`);
  check.optionalPartialDate(v, c.from, `${p}from`);
  check.optionalPartialDate(v, c.to, `${p}to`);
  checkDateOrder(v, c.from, c.to, `${p}to`);
}

export function validateAttachment(v: Violations, a: Partial<TalentAttachmentValue>, prefix: string, now: Date): void {
  const p = prefix ? `${prefix}.` : '';
  check.aggregateId(v, a.personId, `${p}personId`);
  check.oneOf(v, a.role, TALENT_ROLES, `${p}role`);
  check.optionalText(v, a.character, `${p}character`);
  check.optionalOneOf(v, a.billing, BILLINGS, `${p}billing`);
  if (a.role !== 'cast') {
    v.check(a.character === undefined, `${p}character`, 'only a cast attachment has a character');
    v.check(a.billing === undefined, `${p}billing`, 'only a cast attachment has a billing');
  }
  check.optionalPartialDate(v, a.attachedAt, `${p}attachedAt`);
  check.notInFuture(v, a.attachedAt, now, `${p}attachedAt`);
}

export function validateRelease(v: Violations, r: Partial<ReleaseValue>, prefix: string, now: Date): void {
  const p = prefix ? `${prefix}.` : '';
  check.territory(v, r.territory, `${p}territory`);
  check.partialDate(v, r.date, `${p}date`);
  check.oneOf(v, r.type, RELEASE_TYPES, `${p}type`);
  check.oneOf(v, r.status, RELEASE_STATUSES, `${p}status`);
  if (r.distributorId !== undefined) check.aggregateId(v, r.distributorId, `${p}distributorId`);
  check.optionalText(v, r.festival, `${p}festival`);
  if (r.status === 'occurred') check.notInFuture(v, r.date, now, `${p}date`);
}

export function validateMilestone(v: Violations, m: Partial<MilestoneValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.text(v, m.label, `${p}label`);
  check.oneOf(v, m.kind, MILESTONE_KINDS, `${p}kind`);
  check.partialDate(v, m.date, `${p}date`);
}

export { checkChangeKeys } from '../shared/validation.js';
