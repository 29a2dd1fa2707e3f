/**
 * Reference (person-attachments): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../person-attachments/person-attachments.handlers.ts) must give the same rows event by event.
 */
import { streamIdFor } from '../../../../contracts/src/streams.js';
import { isCurrent, standingOf } from '../../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import { displayNote } from './notes.js';
import type { TableColumns } from '../../shared/columns.js';
import { AttachmentState, PersonAttachmentRow } from '../../person-attachments/person-attachments.types.js';

/** Every attachment ever stated on a work: `is_current` says whether it still stands (attached or detached). */

export const PERSON_ATTACHMENT_COLUMNS: TableColumns<PersonAttachmentRow> = {
  owner_stream: 'text',
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
};

export function personAttachmentRows(state: WorkState): PersonAttachmentRow[] {
  if (!state.workId) return [];
  const workId = state.workId;
  return state.attachments.map((a, seq) => {
    const movedTo = a.supersededBy?.workId ?? null;
    const attachmentState: AttachmentState = state.withdrawn
      ? 'withdrawn'
      : a.retracted
        ? 'retracted'
        : movedTo
          ? 'moved'
          : a.supersededBy
            ? 'corrected'
            : a.detached
              ? 'detached'
              : 'attached';
    return {
      owner_stream: streamIdFor('work', workId),
      attachment_id: a.attachmentId,
      person_id: a.personId,
      work_id: workId,
      role: a.role,
      character: a.character ?? null,
      billing: a.billing ?? null,
      attached_at: a.attachedAt ?? null,
      detached: a.detached ? { reason: a.detached.reason, ...(a.detached.detachedAt ? { detachedAt: a.detached.detachedAt } : {}) } : null,
      state: attachmentState,
      is_current: isCurrent(a) && !state.withdrawn,
      note: state.withdrawn ? state.withdrawn.note : displayNote(a, state.attachments, (x) => x.attachmentId, a.movedFrom),
      moved_to_work_id: movedTo,
      moved_from: a.movedFrom ? { workId: a.movedFrom.workId, attachmentId: a.movedFrom.id, note: a.movedFrom.note } : null,
      seq,
      standing: standingOf(a),
    };
  });
}
