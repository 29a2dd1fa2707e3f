/** How an editor fixed or annotated a fact, as every read model reports it. */
export type NoteKind = 'corrected' | 'moved-out' | 'moved-in' | 'retracted' | 'clarified' | 'withdrawn' | 'details-corrected' | 'correction';

export interface FactNote {
  factType: string;
  factId: string;
  kind: NoteKind;
  note: string;
  eventId: string;
  /** corrected / moved-out: the replacement fact (and its work when it moved). */
  replacementId?: string;
  workId?: string;
}
