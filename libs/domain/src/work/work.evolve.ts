import type { WorkFactRef } from '../../../contracts/src/events/work.events.js';
import { assertNever } from '../shared/decider.js';
import { evolveMerge } from '../shared/merges.js';
import { clarifiedFact, compact, deprecatedBySupersession, retractedFact, statedBy, updateFact, withFactStatedBy, withStanding, type EditorialNote, type FactAnnotations, type FactsByEvent } from '../shared/facts.js';
import type { WorkEvent } from './work.events.js';
import { mergeDetails, type WorkState } from './work.state.js';
import { statusOf } from './work.status.js';

/** Folds one event into the state. Never throws for a well-formed stream: decide already checked the rules. */
export function evolveWork(state: WorkState, event: WorkEvent): WorkState {
  const next = apply(state, event);
  if (next === state) return { ...state, version: state.version + 1 };
  // Every case of apply returns an object it has just made (a literal, or withStatus of one): stamping the version on
  // it is the same value as `{ ...next, version }` (version is already a key, it keeps its place) without copying the
  // whole state a second time per event.
  next.version = state.version + 1;
  return next;
}

function withFact(state: WorkState, eventId: string, fact: WorkFactRef): FactsByEvent<WorkFactRef> {
  return withFactStatedBy(state.factsByEventId, eventId, fact);
}

function withStatus(state: WorkState): WorkState {
  return { ...state, status: statusOf(state.statusHistory).status };
}

function apply(state: WorkState, event: WorkEvent): WorkState {
  const eventId = event.metadata.eventId;
  switch (event.type) {
    case 'WorkRegistered': {
      const { workId, kind, originalLanguage, countries, productionYear, externalIds, titles, status, statusChangeId, statusEffective, standing } = event.data;
      return {
        ...withStanding(state, standing),
        workId,
        details: compact({ kind, originalLanguage, countries, productionYear, externalIds }),
        detailsStatedBy: eventId,
        titles: titles.map((t) => ({ ...t, ...statedBy(eventId) })),
        status,
        statusHistory: [compact({ statusChangeId, from: null, to: status, effective: statusEffective, ...statedBy(eventId) })],
        factsByEventId: withFact(state, eventId, { type: 'work', id: workId }),
      };
    }
    case 'WorkDetailsUpdated':
      return {
        ...state,
        details: state.details && mergeDetails(state.details, event.data.changes),
        factsByEventId: withFact(state, eventId, { type: 'work', id: event.data.workId }),
      };
    case 'TitleAdded': {
      const { workId, titleId, ...value } = event.data;
      return {
        ...state,
        titles: [...state.titles, { titleId, ...value, primary: false, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'title', id: titleId }),
      };
    }
    case 'PrimaryTitleSet':
      return {
        ...state,
        titles: state.titles.map((t) => ({ ...t, primary: t.titleId === event.data.titleId })),
        factsByEventId: withFact(state, eventId, { type: 'title', id: event.data.titleId }),
      };
    case 'WorkRelated': {
      const { workId, relationId, ...value } = event.data;
      return {
        ...state,
        relations: [...state.relations, { relationId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'relation', id: relationId }),
      };
    }
    case 'WorkStatusChanged': {
      const { workId, statusChangeId, ...value } = event.data;
      return withStatus({
        ...state,
        statusHistory: [...state.statusHistory, { statusChangeId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'status-change', id: statusChangeId }),
      });
    }
    case 'CompanyCreditAdded': {
      const { workId, creditId, ...value } = event.data;
      return {
        ...state,
        credits: [...state.credits, { creditId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'company-credit', id: creditId }),
      };
    }
    case 'CompanyCreditEnded': {
      const { creditId, to, reason } = event.data;
      return {
        ...state,
        credits: updateFact(state.credits, (c) => c.creditId, creditId, (c) => compact({ ...c, to, endReason: reason })),
        factsByEventId: withFact(state, eventId, { type: 'company-credit', id: creditId }),
      };
    }
    case 'TalentAttached': {
      const { workId, attachmentId, ...value } = event.data;
      return {
        ...state,
        attachments: [...state.attachments, { attachmentId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'talent-attachment', id: attachmentId }),
      };
    }
    case 'TalentDetached': {
      const { attachmentId, reason, detachedAt } = event.data;
      return {
        ...state,
        attachments: updateFact(state.attachments, (a) => a.attachmentId, attachmentId, (a) => ({ ...a, detached: compact({ reason, detachedAt, eventId }) })),
        factsByEventId: withFact(state, eventId, { type: 'talent-attachment', id: attachmentId }),
      };
    }
    case 'ReleaseScheduled': {
      const { workId, releaseId, ...value } = event.data;
      return {
        ...state,
        releases: [...state.releases, { releaseId, ...value, previousDates: [], ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'release', id: releaseId }),
      };
    }
    case 'ReleaseMoved': {
      const { releaseId, date, previousDate, reason } = event.data;
      return {
        ...state,
        releases: updateFact(state.releases, (r) => r.releaseId, releaseId, (r) =>
          compact({ ...r, date, status: 'moved' as const, previousDates: [...r.previousDates, previousDate], statusReason: reason }),
        ),
        factsByEventId: withFact(state, eventId, { type: 'release', id: releaseId }),
      };
    }
    case 'ReleaseOccurred': {
      const { releaseId, date } = event.data;
      return {
        ...state,
        releases: updateFact(state.releases, (r) => r.releaseId, releaseId, (r) => ({ ...r, date, status: 'occurred' as const })),
        factsByEventId: withFact(state, eventId, { type: 'release', id: releaseId }),
      };
    }
    case 'ReleaseCancelled': {
      const { releaseId, reason } = event.data;
      return {
        ...state,
        releases: updateFact(state.releases, (r) => r.releaseId, releaseId, (r) => compact({ ...r, status: 'cancelled' as const, statusReason: reason })),
        factsByEventId: withFact(state, eventId, { type: 'release', id: releaseId }),
      };
    }
    case 'MilestoneRecorded': {
      const { workId, milestoneId, ...value } = event.data;
      return {
        ...state,
        milestones: [...state.milestones, { milestoneId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'milestone', id: milestoneId }),
      };
    }
    case 'WorkDetailsCorrected': {
      const { workId, changes, previous, note } = event.data;
      const removed = Object.keys(previous).filter((k) => !(k in changes));
      const details = state.details && compact({ ...state.details, ...changes });
      for (const key of removed) if (details) delete (details as unknown as Record<string, unknown>)[key];
      return {
        ...state,
        details,
        detailsCorrections: [...state.detailsCorrections, { changes, previous, note, eventId }],
        factsByEventId: withFact(state, eventId, { type: 'work', id: workId }),
      };
    }
    case 'TitleCorrected': {
      const { titleId, replacementTitleId, replacement, note } = event.data;
      const old = state.titles.find((t) => t.titleId === titleId);
      return {
        ...state,
        titles: [
          ...updateFact(state.titles, (t) => t.titleId, titleId, (t) => ({ ...deprecatedBySupersession(t, { id: replacementTitleId, eventId, note }), primary: false })),
          { titleId: replacementTitleId, ...replacement, primary: old?.primary ?? false, ...statedBy(eventId, titleId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'title', id: replacementTitleId }),
      };
    }
    case 'WorkRelationCorrected': {
      const { relationId, replacementRelationId, replacement, note } = event.data;
      return {
        ...state,
        relations: [
          ...updateFact(state.relations, (r) => r.relationId, relationId, (r) => deprecatedBySupersession(r, { id: replacementRelationId, eventId, note })),
          { relationId: replacementRelationId, ...replacement, ...statedBy(eventId, relationId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'relation', id: replacementRelationId }),
      };
    }
    case 'WorkStatusChangeCorrected': {
      const { statusChangeId, replacementStatusChangeId, replacement, note } = event.data;
      const old = state.statusHistory.find((s) => s.statusChangeId === statusChangeId);
      // The replacement takes the corrected change's place in the sequence, so "latest" keeps meaning latest.
      const statusHistory = state.statusHistory.flatMap((s) =>
        s.statusChangeId === statusChangeId
          ? [deprecatedBySupersession(s, { id: replacementStatusChangeId, eventId, note }), { statusChangeId: replacementStatusChangeId, from: old?.from ?? null, ...replacement, ...statedBy(eventId, statusChangeId) }]
          : [s],
      );
      return withStatus({ ...state, statusHistory, factsByEventId: withFact(state, eventId, { type: 'status-change', id: replacementStatusChangeId }) });
    }
    case 'CompanyCreditCorrected': {
      const { creditId, replacementCreditId, replacement, note } = event.data;
      const old = state.credits.find((c) => c.creditId === creditId);
      return {
        ...state,
        credits: [
          ...updateFact(state.credits, (c) => c.creditId, creditId, (c) => deprecatedBySupersession(c, { id: replacementCreditId, eventId, note })),
          compact({ creditId: replacementCreditId, ...replacement, endReason: old?.endReason, ...statedBy(eventId, creditId) }),
        ],
        factsByEventId: withFact(state, eventId, { type: 'company-credit', id: replacementCreditId }),
      };
    }
    case 'TalentAttachmentCorrected': {
      const { attachmentId, replacementAttachmentId, replacement, note } = event.data;
      const old = state.attachments.find((a) => a.attachmentId === attachmentId);
      return {
        ...state,
        attachments: [
          ...updateFact(state.attachments, (a) => a.attachmentId, attachmentId, (a) => deprecatedBySupersession(a, { id: replacementAttachmentId, eventId, note })),
          // a detachment stays true of the corrected attachment
          compact({ attachmentId: replacementAttachmentId, ...replacement, detached: old?.detached, ...statedBy(eventId, attachmentId) }),
        ],
        factsByEventId: withFact(state, eventId, { type: 'talent-attachment', id: replacementAttachmentId }),
      };
    }
    case 'ReleaseCorrected': {
      const { releaseId, replacementReleaseId, replacement, note } = event.data;
      return {
        ...state,
        releases: [
          ...updateFact(state.releases, (r) => r.releaseId, releaseId, (r) => deprecatedBySupersession(r, { id: replacementReleaseId, eventId, note })),
          { releaseId: replacementReleaseId, ...replacement, previousDates: [], ...statedBy(eventId, releaseId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'release', id: replacementReleaseId }),
      };
    }
    case 'MilestoneCorrected': {
      const { milestoneId, replacementMilestoneId, replacement, note } = event.data;
      return {
        ...state,
        milestones: [
          ...updateFact(state.milestones, (m) => m.milestoneId, milestoneId, (m) => deprecatedBySupersession(m, { id: replacementMilestoneId, eventId, note })),
          { milestoneId: replacementMilestoneId, ...replacement, ...statedBy(eventId, milestoneId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'milestone', id: replacementMilestoneId }),
      };
    }
    case 'WorkFactClarified': {
      const { fact, note } = event.data;
      return { ...onFact(state, fact, (f) => clarifiedFact(f, { note, eventId }), { note, eventId }, 'clarify'), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'WorkFactRetracted': {
      const { fact, note } = event.data;
      return withStatus({ ...onFact(state, fact, (f) => retractedFact(f, { note, eventId }), { note, eventId }, 'retract'), factsByEventId: withFact(state, eventId, fact) });
    }
    case 'WorkFactStandingChanged': {
      const { fact, standing } = event.data;
      const changed = fact.type === 'work' ? withStanding(state, standing) : onFact(state, fact, (f) => withStanding(f, standing), { note: '', eventId }, 'standing');
      return withStatus({ ...changed, factsByEventId: withFact(state, eventId, fact) });
    }
    case 'WorkRetracted':
      return { ...state, withdrawn: { note: event.data.note, eventId }, factsByEventId: withFact(state, eventId, { type: 'work', id: event.data.workId }) };
    case 'WorkMerged':
    case 'WorkAbsorbed':
    case 'WorkUnmerged':
    case 'WorkAbsorptionReverted':
      // One factsByEventId entry per event, as every work event has (the timeline orders a day's entries by it); a merge
      // links two works and states no fact of its own, so it names the work itself.
      return { ...state, ...evolveMerge('work', state, event), factsByEventId: withFact(state, eventId, { type: 'work', id: event.data.workId }) };
    case 'CompanyCreditMovedOut': {
      const { creditId, targetWorkId, targetCreditId, note } = event.data;
      return {
        ...state,
        credits: updateFact(state.credits, (c) => c.creditId, creditId, (c) => deprecatedBySupersession(c, { id: targetCreditId, workId: targetWorkId, eventId, note })),
        factsByEventId: withFact(state, eventId, { type: 'company-credit', id: creditId }),
      };
    }
    case 'CompanyCreditMovedIn': {
      const { workId, creditId, moveId, sourceWorkId, sourceCreditId, note, ...value } = event.data;
      return {
        ...state,
        credits: [...state.credits, { creditId, ...value, ...statedBy(eventId), movedFrom: { workId: sourceWorkId, id: sourceCreditId, note, eventId } }],
        factsByEventId: withFact(state, eventId, { type: 'company-credit', id: creditId }),
      };
    }
    case 'TalentAttachmentMovedOut': {
      const { attachmentId, targetWorkId, targetAttachmentId, note } = event.data;
      return {
        ...state,
        attachments: updateFact(state.attachments, (a) => a.attachmentId, attachmentId, (a) =>
          deprecatedBySupersession(a, { id: targetAttachmentId, workId: targetWorkId, eventId, note }),
        ),
        factsByEventId: withFact(state, eventId, { type: 'talent-attachment', id: attachmentId }),
      };
    }
    case 'TalentAttachmentMovedIn': {
      const { workId, attachmentId, moveId, sourceWorkId, sourceAttachmentId, note, ...value } = event.data;
      return {
        ...state,
        attachments: [...state.attachments, { attachmentId, ...value, ...statedBy(eventId), movedFrom: { workId: sourceWorkId, id: sourceAttachmentId, note, eventId } }],
        factsByEventId: withFact(state, eventId, { type: 'talent-attachment', id: attachmentId }),
      };
    }
    default:
      return assertNever(event, 'work event');
  }
}

/** Applies a clarification or retraction to the referenced fact (or to the work itself). */
function onFact(
  state: WorkState,
  fact: WorkFactRef,
  change: <F extends FactAnnotations>(f: F) => F,
  note: EditorialNote,
  kind: 'clarify' | 'retract' | 'standing',
): WorkState {
  switch (fact.type) {
    case 'work':
      if (kind === 'standing') return { ...state };
      return kind === 'clarify' ? { ...state, clarifications: [...state.clarifications, note] } : { ...state, withdrawn: note };
    case 'title':
      return { ...state, titles: updateFact(state.titles, (t) => t.titleId, fact.id, change) };
    case 'relation':
      return { ...state, relations: updateFact(state.relations, (r) => r.relationId, fact.id, change) };
    case 'status-change':
      return { ...state, statusHistory: updateFact(state.statusHistory, (s) => s.statusChangeId, fact.id, change) };
    case 'company-credit':
      return { ...state, credits: updateFact(state.credits, (c) => c.creditId, fact.id, change) };
    case 'talent-attachment':
      return { ...state, attachments: updateFact(state.attachments, (a) => a.attachmentId, fact.id, change) };
    case 'release':
      return { ...state, releases: updateFact(state.releases, (r) => r.releaseId, fact.id, change) };
    case 'milestone':
      return { ...state, milestones: updateFact(state.milestones, (m) => m.milestoneId, fact.id, change) };
    default:
      return assertNever(fact.type, 'work fact type');
  }
}
