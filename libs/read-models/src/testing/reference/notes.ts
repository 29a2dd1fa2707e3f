/** Reference: the notes a fact carries, read from the folded domain state (tests only). */
import type { FactAnnotations } from '../../../../domain/src/shared/facts.js';
import type { FactNote } from '../../shared/notes.js';

/** The editorial notes a fact carries: its correction or move, its retraction, its clarifications. */
export function notesOfFact(factType: string, factId: string, fact: FactAnnotations & { movedFrom?: { workId: string; id: string; note: string; eventId: string } }): FactNote[] {
  const notes: FactNote[] = [];
  if (fact.supersededBy) {
    const moved = fact.supersededBy.workId !== undefined;
    notes.push({
      factType,
      factId,
      kind: moved ? 'moved-out' : 'corrected',
      note: fact.supersededBy.note,
      eventId: fact.supersededBy.eventId,
      replacementId: fact.supersededBy.id,
      ...(moved ? { workId: fact.supersededBy.workId } : {}),
    });
  }
  if (fact.retracted) notes.push({ factType, factId, kind: 'retracted', note: fact.retracted.note, eventId: fact.retracted.eventId });
  if (fact.movedFrom) notes.push({ factType, factId, kind: 'moved-in', note: fact.movedFrom.note, eventId: fact.movedFrom.eventId, workId: fact.movedFrom.workId });
  for (const c of fact.clarifications) notes.push({ factType, factId, kind: 'clarified', note: c.note, eventId: c.eventId });
  return notes;
}

/**
 * The note shown next to a fact in lists that keep deprecated facts (timeline, attachments): why it is not current,
 * or, for a current replacement, the note of the correction that produced it.
 */
export function displayNote<F extends FactAnnotations>(fact: F, all: readonly F[], idOf: (f: F) => string, movedFrom?: { note: string }): string | null {
  if (fact.retracted) return fact.retracted.note;
  if (fact.supersededBy) return fact.supersededBy.note;
  if (movedFrom) return movedFrom.note;
  if (fact.supersedes) {
    const old = all.find((f) => idOf(f) === fact.supersedes);
    if (old?.supersededBy) return old.supersededBy.note;
  }
  return null;
}
