/** The person attachments' shown row. */
import type { PartialDate } from '../../../contracts/src/envelope.js';

export type AttachmentState = 'attached' | 'detached' | 'corrected' | 'moved' | 'retracted' | 'withdrawn';

export interface PersonAttachmentRow {
  owner_stream: string;
  attachment_id: string;
  person_id: string;
  work_id: string;
  role: string;
  character: string | null;
  billing: string | null;
  attached_at: PartialDate | null;
  detached: { reason: string; detachedAt?: PartialDate } | null;
  state: AttachmentState;
  is_current: boolean;
  note: string | null;
  moved_to_work_id: string | null;
  moved_from: { workId: string; attachmentId: string; note: string } | null;
  seq: number;
  /** rumored, reported, confirmed or denied: a denied attachment is not shown as current (see the query). */
  standing: string;
}
