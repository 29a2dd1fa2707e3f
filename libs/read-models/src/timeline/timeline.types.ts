/** The timeline's shown row. */
import type { CitedSource } from '../shared/cited-source.js';

export type TimelineKind =
  | 'status'
  | 'milestone'
  | 'talent-attached'
  | 'talent-detached'
  | 'company-credit-start'
  | 'company-credit-end'
  | 'release'
  | 'deal-announced'
  | 'deal-status'
  /** A fact's standing changed (details: standing, from, source). */
  | 'standing';

export interface TimelineEntryRow {
  owner_stream: string;
  entry_key: string;
  work_id: string;
  kind: TimelineKind;
  label: string;
  occurred_at: string;
  precision: string;
  sort_key: string;
  /** Order of statement within the owning stream: ties on sort_key read in the order they were recorded. */
  seq: number;
  fact_type: string;
  fact_id: string;
  /** The person, organization or deal the entry is about (names are joined at query time). */
  subject_type: 'person' | 'organization' | 'deal' | null;
  subject_id: string | null;
  details: Record<string, unknown>;
  /** Replaced by a correction (or moved to another work): shown struck through, with the note. */
  corrected: boolean;
  retracted: boolean;
  note: string | null;
  /**
   * The public part of the source cited by the event that stated the entry's fact or last changed it (a work fact:
   * stated, dated, ended, moved, corrected, retracted, clarified; a deal's entry: the event that stated its deal work
   * or status change; a standing entry: the standing change). Null when that source shows nothing public.
   */
  source: CitedSource | null;
}
