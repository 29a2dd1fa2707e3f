import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { DealDetails, DealFactRef, DealStatusChangeValue, DealWorkValue, RegisteredDealParty } from '../../../contracts/src/events/deal.events.js';
import type { DealStatus } from '../../../contracts/src/vocabulary.js';
import { isCurrent, NO_FACTS_BY_EVENT, type EditorialNote, type FactAnnotations, type FactsByEvent } from '../shared/facts.js';

export interface DealParty extends RegisteredDealParty, FactAnnotations {}
export interface DealWork extends DealWorkValue, FactAnnotations {}
export interface DealStatusChange extends DealStatusChangeValue, FactAnnotations {
  statusChangeId: string;
  from: DealStatus | null;
}

export interface DealState {
  dealId: string | null;
  details: DealDetails | null;
  detailsCorrections: (EditorialNote & { changes: Partial<DealDetails>; previous: Partial<DealDetails> })[];
  clarifications: EditorialNote[];
  withdrawn: EditorialNote | null;
  /** How sure the deal itself is (its own fact); absent means 'reported'. */
  standing?: FactStanding;
  status: DealStatus | null;
  statusHistory: DealStatusChange[];
  /** Effective dates of the current status changes, for read models: announcedAt is in details. */
  closedAt?: PartialDate;
  terminatedAt?: PartialDate;
  expiredAt?: PartialDate;
  parties: DealParty[];
  works: DealWork[];
  factsByEventId: FactsByEvent<DealFactRef>;
  version: number;
}

export function initialDealState(): DealState {
  return {
    dealId: null,
    details: null,
    detailsCorrections: [],
    clarifications: [],
    withdrawn: null,
    status: null,
    statusHistory: [],
    parties: [],
    works: [],
    factsByEventId: NO_FACTS_BY_EVENT,
    version: 0,
  };
}

/** Recomputes status and the closed/terminated/expired dates from the current status changes. */
export function withDealStatus(state: DealState): DealState {
  const current = state.statusHistory.filter(isCurrent);
  const { closedAt, terminatedAt, expiredAt, ...rest } = state;
  const dateOf = (status: DealStatus) => current.filter((s) => s.to === status).at(-1)?.effective;
  const next: DealState = { ...rest, status: current.at(-1)?.to ?? null };
  const closed = dateOf('closed');
  const terminated = dateOf('terminated');
  const expired = dateOf('expired');
  if (closed) next.closedAt = closed;
  if (terminated) next.terminatedAt = terminated;
  if (expired) next.expiredAt = expired;
  return next;
}

/** A deal work's fact id is its workId: the current entry if there is one, else the latest (superseded or retracted). */
export function findDealWork(works: readonly DealWork[], workId: string): DealWork | undefined {
  return works.find((w) => w.workId === workId && isCurrent(w)) ?? works.filter((w) => w.workId === workId).at(-1);
}
