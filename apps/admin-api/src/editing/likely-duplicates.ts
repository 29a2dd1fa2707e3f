import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { findLikelyDuplicates, findLikelyDuplicateWorks, type DuplicateCandidate, type WorkDuplicateCandidate } from '../../../../libs/read-models/src/index.js';
import { PG_POOL } from '../database/database.module.js';
import { ProblemException, ProblemType } from '../problem-details/problem-details.js';
import { AGGREGATES } from './aggregate-catalog.js';
import { findUnprojectedDuplicates, findUnprojectedDuplicateWorks } from './unprojected-names.js';

/** The registrations checked for a likely duplicate, and the names they give. */
const REGISTRATIONS: Partial<Record<string, 'person' | 'organization'>> = { RegisterPerson: 'person', RegisterOrganization: 'organization' };

/**
 * "The same actor was registered twice without a word": a registration whose name closely matches a record of the
 * same kind is answered 409 /problems/possible-duplicate naming the candidates, unless the request says, in
 * `distinctFrom`, that each of them is a different entity. The look-up reads the name lookups of the read models and,
 * as these trail the log by the pipeline's lag, the events they have not applied yet (unprojected-names.ts): a record
 * registered a moment ago is found too. It is advice to the editor, not a rule the log enforces (the log has no
 * uniqueness of names, which differ legitimately, and two registrations decided at the same instant do not see
 * each other).
 */
@Injectable()
export class LikelyDuplicates {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async assertNoneUnconfirmed(commandType: string, data: Record<string, unknown>): Promise<void> {
    if (commandType === 'RegisterWork') return this.assertNoWorkUnconfirmed(data);
    const kind = REGISTRATIONS[commandType];
    if (!kind) return;
    const names = Array.isArray(data.names) ? data.names.map((name) => (name as { text?: unknown } | null)?.text).filter((text): text is string => typeof text === 'string') : [];
    const ownId = data[AGGREGATES[kind].idField];
    const confirmed = confirmedDistinct(data);
    const [projected, unprojected] = await Promise.all([findLikelyDuplicates(this.pool, kind, names), findUnprojectedDuplicates(this.pool, kind, names)]);
    const candidates = mostSimilarFirst(projected, unprojected).filter((candidate) => candidate.id !== ownId && !confirmed.has(candidate.id));
    if (candidates.length > 0) throw possibleDuplicate(kind, candidates);
  }

  /**
   * "The same film registered twice": a title (primary or alternate) closely matching a live work's of the same kind
   * and original language, whose production year is the same or not known on either side. Remakes share titles with
   * their originals, but rarely both language and year, so the Hollywood version of a Korean film registers without a
   * word; a same-language, same-year namesake is held until the editor confirms it with `distinctFrom`.
   */
  private async assertNoWorkUnconfirmed(data: Record<string, unknown>): Promise<void> {
    if (typeof data.kind !== 'string' || typeof data.originalLanguage !== 'string') return;
    const titles = Array.isArray(data.titles) ? data.titles.map((title) => (title as { text?: unknown } | null)?.text).filter((text): text is string => typeof text === 'string') : [];
    // A year no work can have is the decider's to refuse (422), not a query's to fail on.
    if (data.productionYear !== undefined && !(Number.isSafeInteger(data.productionYear) && Math.abs(data.productionYear as number) < 100_000)) return;
    const productionYear = data.productionYear as number | undefined;
    const confirmed = confirmedDistinct(data);
    const identity = { kind: data.kind, originalLanguage: data.originalLanguage, productionYear };
    const [projected, unprojected] = await Promise.all([findLikelyDuplicateWorks(this.pool, identity, titles), findUnprojectedDuplicateWorks(this.pool, identity, titles)]);
    const candidates = mostSimilarFirst(projected, unprojected).filter((candidate) => candidate.id !== data.workId && !confirmed.has(candidate.id));
    if (candidates.length > 0) throw possibleDuplicateWork(candidates);
  }
}

/**
 * The candidates of the read models and of the unprojected tail, one per record (its higher similarity; the read
 * model's row for the rest, as it holds the record's current primary name), most similar first, ten at most.
 */
function mostSimilarFirst<C extends { id: string; similarity: number }>(projected: C[], unprojected: C[]): C[] {
  const byId = new Map(projected.map((candidate) => [candidate.id, candidate]));
  for (const candidate of unprojected) {
    const known = byId.get(candidate.id);
    byId.set(candidate.id, known ? { ...known, ...(candidate.similarity > known.similarity ? { similarity: candidate.similarity, ...matchOf(candidate) } : {}) } : candidate);
  }
  return [...byId.values()].sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id)).slice(0, 10);
}

function matchOf(candidate: object): Partial<DuplicateCandidate & WorkDuplicateCandidate> {
  const { matchedName, matchedTitle } = candidate as Partial<DuplicateCandidate & WorkDuplicateCandidate>;
  return matchedName !== undefined ? { matchedName } : { matchedTitle };
}

function confirmedDistinct(data: Record<string, unknown>): Set<string> {
  return new Set(Array.isArray(data.distinctFrom) ? data.distinctFrom.map((id) => String(id).toLowerCase()) : []);
}

function possibleDuplicateWork(candidates: WorkDuplicateCandidate[]): ProblemException {
  const list = candidates.map((c) => `${c.primaryTitle ?? c.matchedTitle} (${c.id}, similarity ${c.similarity})`).join(', ');
  return new ProblemException({
    type: ProblemType.possibleDuplicate,
    title: 'Possibly a work already registered',
    status: 409,
    detail: `A title closely matches ${list}, of the same kind and original language, and no different production year tells them apart. If it is the same work, use that record; if not (a namesake, a remake), send the request again with "distinctFrom": [the ids of these candidates]. Nothing was recorded.`,
    candidates: candidates.map((c) => ({ id: c.id, title: c.primaryTitle, matchedTitle: c.matchedTitle, similarity: c.similarity, href: `/projects/${c.id}`, workHref: `/works/${c.id}` })),
  });
}

function possibleDuplicate(kind: AggregateType, candidates: DuplicateCandidate[]): ProblemException {
  const collection = AGGREGATES[kind].collection;
  const list = candidates.map((c) => `${c.primaryName ?? c.matchedName} (${c.id}, similarity ${c.similarity})`).join(', ');
  return new ProblemException({
    type: ProblemType.possibleDuplicate,
    title: `Possibly a ${kind} already registered`,
    status: 409,
    detail: `The name closely matches ${list}. If it is the same ${kind}, use that record; if not, send the request again with "distinctFrom": [the ids of these candidates]. Nothing was recorded.`,
    candidates: candidates.map((c) => ({ id: c.id, name: c.primaryName, matchedName: c.matchedName, similarity: c.similarity, href: `/${collection}/${c.id}` })),
  });
}
