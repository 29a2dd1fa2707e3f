import type { PartialDate } from '../../../contracts/src/envelope.js';
import { PERSON_NAMES } from '../lookups/lookups.handlers.js';
import { resolvedLookup, sameRecordIds } from '../lookups/merged-records.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { PERSON_ATTACHMENTS } from './person-attachments.handlers.js';

export interface PersonAttachment {
  attachmentId: string;
  workId: string;
  workTitle: string | null;
  role: string;
  character: string | null;
  billing: string | null;
  attachedAt: PartialDate | null;
  detached: { reason: string; detachedAt?: PartialDate } | null;
  /** attached | detached | corrected | moved | retracted | withdrawn */
  state: string;
  /** Still stands (attached or detached: not corrected, moved, retracted or withdrawn) and not denied. */
  current: boolean;
  /** rumored, reported, confirmed or denied: a denied attachment stays in the record but is not current. */
  standing: string;
  note: string | null;
  movedToWorkId: string | null;
  movedFrom: { workId: string; attachmentId: string; note: string } | null;
  /** Stated for a duplicate of this person, merged into it: the duplicate's id. */
  mergedFrom?: string;
  /**
   * Stated on a duplicate work merged into another: the duplicate's id (`workId` and `workTitle` are the work that
   * stayed).
   */
  workMergedFrom?: string;
}

export interface PersonAttachments {
  person: { personId: string; name: string | null; names: unknown[] } | null;
  attachments: PersonAttachment[];
}

/**
 * Every attachment ever stated for a person (current first), now or as of `options.at` — with those stated for the
 * duplicates merged into them by then.
 */
export async function getPersonAttachments(db: Queryable, personId: string, options: QueryOptions & { includeDeprecated?: boolean } = {}): Promise<PersonAttachments | null> {
  const personParams = new QueryParams(options);
  const q = new QueryParams(options);
  // An attachment on a duplicate work merged into another shows the work that stayed (lookups/merged-records.ts).
  const attachments = q.from(PERSON_ATTACHMENTS, 'a');
  const work = resolvedLookup(q, 'work', 'a.work_id', 'work');
  const [person, rows] = await Promise.all([
    db.query<{ primary_name: string | null; names: unknown[] }>(
      `SELECT n.primary_name, n.names FROM ${personParams.from(PERSON_NAMES, 'n')} WHERE n.person_id = ${personParams.add(personId)}`,
      personParams.values,
    ),
    db.query<{
      attachment_id: string;
      work_id: string;
      role: string;
      character: string | null;
      billing: string | null;
      attached_at: PartialDate | null;
      detached: PersonAttachment['detached'];
      state: string;
      is_current: boolean;
      note: string | null;
      moved_to_work_id: string | null;
      moved_from: PersonAttachment['movedFrom'];
      work_name: string | null;
      work_merged_from: string | null;
      person_id: string;
      standing: string;
    }>(
      `SELECT a.attachment_id, ${work.columns}, a.role, a.character, a.billing, a.attached_at, a.detached, a.state, a.is_current, a.note, a.moved_to_work_id, a.moved_from, a.person_id, a.standing
       FROM ${attachments} ${work.joins}
       WHERE a.person_id IN ${sameRecordIds(q, 'person', personId)} ${options.includeDeprecated === false ? "AND a.is_current AND a.standing <> 'denied'" : ''}
       ORDER BY (a.is_current AND a.standing <> 'denied') DESC, (a.attached_at->>'date') NULLS LAST, a.work_id, a.seq`,
      q.values,
    ),
  ]);
  if (person.rowCount === 0 && rows.rowCount === 0) return null;
  const p = person.rows[0];
  return {
    person: p ? { personId, name: p.primary_name, names: p.names } : null,
    attachments: rows.rows.map((r) => ({
      attachmentId: r.attachment_id,
      workId: r.work_id,
      workTitle: r.work_name,
      role: r.role,
      character: r.character,
      billing: r.billing,
      attachedAt: r.attached_at,
      detached: r.detached,
      state: r.state,
      current: r.is_current && r.standing !== 'denied',
      standing: r.standing,
      note: r.note,
      movedToWorkId: r.moved_to_work_id,
      movedFrom: r.moved_from,
      ...(r.person_id !== personId ? { mergedFrom: r.person_id } : {}),
      ...(r.work_merged_from ? { workMergedFrom: r.work_merged_from } : {}),
    })),
  };
}
