/**
 * Person attachments: one row per talent attachment EVER stated on a work (keyed by its attachment id), with its state
 * (attached / detached / corrected / moved / retracted / withdrawn), whether it still stands, and the editorial note
 * shown next to it — what personAttachmentRows shows of the folded work, kept event by event.
 *
 * Every row says all a later event needs to decide as the domain's evolve does, so no hidden column is kept:
 * - `state` is the fact's annotations in the reference's order of precedence (withdrawn > retracted > moved > corrected
 *   > detached > attached): a retraction or a whole-work withdrawal never goes away, a supersession (correction or move
 *   out) is overwritten by a later one, and a detachment only shows while nothing above it does;
 * - `is_current` is the fact's rank ('deprecated' once superseded or retracted) and the work not withdrawn, i.e.
 *   state attached or detached;
 * - `note` is displayNote: the retraction's note, else the supersession's, else the move-in's, else (a replacement)
 *   the note of the correction that produced it — all known from the event that sets them;
 * - `seq` is the stream version of the event that stated the attachment: the reference numbers attachments by their
 *   place in the work's list, which is the order of the events that appended them (one each), so it orders the same.
 *
 * A typical event reads and writes one or two rows by key. A whole-work withdrawal (WorkRetracted, or a retraction of
 * the 'work' fact — both set `withdrawn` in evolve) lists the work's rows: it changes every one of them.
 *
 * Logs the domain never produces (its deciders refuse every one of these), and what the rows then show:
 * - an event on an attachment of a withdrawn work (detach, correct, retract, withdraw again): as the fold — the row,
 *   and a correction's replacement, stay withdrawn with the (latest) withdrawal note;
 * - an attachment stated on a work after its withdrawal (attach, move in): shown attached; the fold shows it withdrawn.
 *   Following it would take a read of the work's withdrawal on every attachment, for a log no decider allows;
 * - a second correction or move of an already superseded attachment A: A and the new replacement are as the fold
 *   shows them, but the first replacement B keeps the note of the first correction, where the fold's displayNote
 *   (B supersedes A → A's latest supersession note) would show the second one. B's id is in no event that reaches it;
 * - an event naming an attachment the work never stated is dead-lettered (the fold ignores it).
 */
import type { WorkEventDataMap } from '../../../contracts/src/events/work.events.js';
import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
import { ignore, put, required, type EventHandler, type HandlersFor, type ProjectedEvent, type Projection, type Row, type RowChange, type StreamRows, type TableSpec } from '../engine/projection.js';
import type { AttachmentState, PersonAttachmentRow } from './person-attachments.types.js';

/** The reference's row minus owner_stream (the engine keeps the owner). */
export type PersonAttachmentsRow = Omit<PersonAttachmentRow, 'owner_stream'>;

export const PERSON_ATTACHMENTS: TableSpec = {
  name: 'person_attachments',
  columns: {
    attachment_id: 'text',
    person_id: 'text',
    work_id: 'text',
    role: 'text',
    character: 'text',
    billing: 'text',
    attached_at: 'jsonb',
    detached: 'jsonb',
    state: 'text',
    is_current: 'boolean',
    note: 'text',
    moved_to_work_id: 'text',
    moved_from: 'jsonb',
    seq: 'integer',
    standing: 'text',
  } satisfies { readonly [K in keyof PersonAttachmentsRow]: TableSpec['columns'][string] },
};

const TABLE = PERSON_ATTACHMENTS.name;

type Work<K extends keyof WorkEventDataMap> = ProjectedEvent<K, WorkEventDataMap[K]>;
type AttachmentValue = WorkEventDataMap['TalentAttached'];

const rowOf = (row: Row) => row as unknown as PersonAttachmentsRow;

/** A newly stated attachment (attached, a correction's replacement, or moved in), current unless the work is withdrawn. */
function stated(
  event: ProjectedEvent,
  workId: string,
  attachmentId: string,
  value: Pick<AttachmentValue, 'personId' | 'role' | 'character' | 'billing' | 'attachedAt' | 'standing'>,
  more: Pick<PersonAttachmentsRow, 'detached' | 'note' | 'moved_from'>,
): PersonAttachmentsRow {
  return {
    attachment_id: attachmentId,
    person_id: value.personId,
    work_id: workId,
    role: value.role,
    character: value.character ?? null,
    billing: value.billing ?? null,
    attached_at: value.attachedAt ?? null,
    detached: more.detached,
    state: more.detached ? 'detached' : 'attached',
    is_current: true,
    note: more.note,
    moved_to_work_id: null,
    moved_from: more.moved_from,
    seq: event.streamVersion,
    standing: value.standing ?? DEFAULT_FACT_STANDING,
  };
}

/** The state of a fact that stands (neither superseded nor retracted) once `detached` is what it is. */
const standing = (detached: PersonAttachmentsRow['detached']): AttachmentState => (detached ? 'detached' : 'attached');
const isStanding = (state: AttachmentState) => state === 'attached' || state === 'detached';

/**
 * Superseded by a correction (no `targetWorkId`) or a move to another work. A retracted or withdrawn fact keeps its
 * state and note (they take precedence in the reference); only the move target changes, as supersededBy is overwritten.
 */
function superseded(row: PersonAttachmentsRow, note: string, targetWorkId?: string): PersonAttachmentsRow {
  const moved_to_work_id = targetWorkId ?? null;
  if (row.state === 'retracted' || row.state === 'withdrawn') return { ...row, moved_to_work_id };
  return { ...row, state: targetWorkId ? 'moved' : 'corrected', is_current: false, note, moved_to_work_id };
}

/** Every row of the work withdrawn with the withdrawal's note (a later withdrawal's note replaces an earlier one's). */
function withdrawAll(rows: StreamRows, note: string): RowChange[] {
  return rows.list(TABLE).map(([key, row]) => put(TABLE, key, { ...row, state: 'withdrawn', is_current: false, note }));
}

const byKey = (key: string) => ({ keys: [[TABLE, key] as const] });

const attachmentHandlers = {
  TalentAttached: {
    apply: (event) => {
      const { workId, attachmentId, ...value } = event.data;
      return [put(TABLE, attachmentId, stated(event, workId, attachmentId, value, { detached: null, note: null, moved_from: null }))];
    },
  },

  TalentDetached: {
    reads: (event) => byKey(event.data.attachmentId),
    apply: (event, rows) => {
      const { attachmentId, reason, detachedAt } = event.data;
      const row = rowOf(required(rows, TABLE, attachmentId, event));
      const detached = { reason, ...(detachedAt ? { detachedAt } : {}) };
      // Only a standing attachment shows as detached; the detachment is kept on any (evolve records it regardless).
      return [put(TABLE, attachmentId, { ...row, detached, state: isStanding(row.state) ? standing(detached) : row.state })];
    },
  },

  TalentAttachmentCorrected: {
    reads: (event) => byKey(event.data.attachmentId),
    apply: (event, rows) => {
      const { workId, attachmentId, replacementAttachmentId, replacement, note } = event.data;
      const old = rowOf(required(rows, TABLE, attachmentId, event));
      // The replacement keeps the old one's detachment and shows the correction's note (displayNote via `supersedes`).
      const next = stated(event, workId, replacementAttachmentId, replacement, { detached: old.detached, note, moved_from: null });
      const shown = old.state === 'withdrawn' ? { ...next, state: 'withdrawn' as const, is_current: false, note: old.note } : next;
      return [put(TABLE, attachmentId, superseded(old, note)), put(TABLE, replacementAttachmentId, shown)];
    },
  },

  TalentAttachmentMovedOut: {
    reads: (event) => byKey(event.data.attachmentId),
    apply: (event, rows) => {
      const { attachmentId, targetWorkId, note } = event.data;
      return [put(TABLE, attachmentId, superseded(rowOf(required(rows, TABLE, attachmentId, event)), note, targetWorkId))];
    },
  },

  TalentAttachmentMovedIn: {
    apply: (event) => {
      const { workId, attachmentId, moveId: _moveId, sourceWorkId, sourceAttachmentId, note, ...value } = event.data;
      const moved_from = { workId: sourceWorkId, attachmentId: sourceAttachmentId, note };
      return [put(TABLE, attachmentId, stated(event, workId, attachmentId, value, { detached: null, note, moved_from }))];
    },
  },

  WorkFactRetracted: {
    reads: ({ data: { fact } }) => (fact.type === 'talent-attachment' ? byKey(fact.id) : fact.type === 'work' ? { tables: [TABLE] } : {}),
    apply: (event, rows) => {
      const { fact, note } = event.data;
      if (fact.type === 'work') return withdrawAll(rows, note);
      if (fact.type !== 'talent-attachment') return [];
      const row = rowOf(required(rows, TABLE, fact.id, event));
      // A withdrawn work shows its withdrawal note on every row; otherwise the retraction wins over everything.
      return row.state === 'withdrawn' ? [] : [put(TABLE, fact.id, { ...row, state: 'retracted', is_current: false, note })];
    },
  },

  // An attachment's standing shows on its row whatever its state (the fact keeps it, as in evolve).
  WorkFactStandingChanged: {
    reads: ({ data: { fact } }) => (fact.type === 'talent-attachment' ? byKey(fact.id) : {}),
    apply: ({ data: { fact, standing } }, rows) => {
      const row = fact.type === 'talent-attachment' ? rows.get(TABLE, fact.id) : undefined;
      return row ? [put(TABLE, fact.id, { ...row, standing })] : [];
    },
  },

  WorkRetracted: {
    reads: () => ({ tables: [TABLE] }),
    apply: (event, rows) => withdrawAll(rows, event.data.note),
  },
} satisfies { [K in keyof WorkEventDataMap]?: EventHandler<Work<K>> };

const workHandlers: HandlersFor<'work'> = {
  WorkRegistered: ignore,
  WorkDetailsUpdated: ignore,
  TitleAdded: ignore,
  PrimaryTitleSet: ignore,
  WorkRelated: ignore,
  WorkStatusChanged: ignore,
  CompanyCreditAdded: ignore,
  CompanyCreditEnded: ignore,
  ReleaseScheduled: ignore,
  ReleaseMoved: ignore,
  ReleaseOccurred: ignore,
  ReleaseCancelled: ignore,
  MilestoneRecorded: ignore,
  WorkDetailsCorrected: ignore,
  TitleCorrected: ignore,
  WorkRelationCorrected: ignore,
  WorkStatusChangeCorrected: ignore,
  CompanyCreditCorrected: ignore,
  ReleaseCorrected: ignore,
  MilestoneCorrected: ignore,
  // Clarifications add a note to a fact that stays current; the reference shows none of them.
  WorkFactClarified: ignore,
  CompanyCreditMovedOut: ignore,
  CompanyCreditMovedIn: ignore,
  // Merges: queries resolve a reference to a merged work through project_status.merged_into; no row here changes.
  WorkMerged: ignore,
  WorkAbsorbed: ignore,
  WorkUnmerged: ignore,
  WorkAbsorptionReverted: ignore,
  ...attachmentHandlers,
};

export const personAttachmentsProjection: Projection = {
  name: 'person-attachments',
  tables: [PERSON_ATTACHMENTS],
  handlers: { work: workHandlers },
};
