/**
 * Company portfolio on the projection engine: a company's current involvement, one row per current credit of a work
 * that is not withdrawn (`credit:<creditId>`, owned by the work stream) and one per current party of a deal that is
 * not withdrawn (`party:<partyId>`, owned by the deal stream, carrying the deal's details, status and current works).
 * Same rows as the fold-based builder (company-portfolio.rows.ts), event by event.
 *
 * Hidden state (never shown, read by key):
 * - `company_portfolio_works`, one row per work (`work`): whether the work is withdrawn (a withdrawn work shows no
 *   credit, whatever comes after).
 * - `company_portfolio_past_credits`, one row per credit that left the current view (corrected, moved out or retracted):
 *   its endReason, which the domain carries over to the replacement when such a credit is corrected (again).
 * - `company_portfolio_deals`, one row per deal (`deal`): details, status changes, current works and withdrawn, all
 *   bounded by a deal's few facts; every party row shows what they derive.
 *
 * Cost: a credit event reads the work row and the credit's rows by key and writes one or two rows; events that do not
 * touch credits read and write nothing. Only a whole-work retraction lists the work's rows (to close them). Deal events
 * that change what every party row shows list the deal's party rows (a deal has a handful).
 */
import type { DealEventDataMap, DealDetails, DealWorkValue } from '../../../contracts/src/events/deal.events.js';
import type { CompanyCreditValue, WorkEventDataMap } from '../../../contracts/src/events/work.events.js';
import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
import { applyDetailsCorrection } from '../../../domain/src/shared/facts.js';
import {
  close,
  ignore,
  put,
  required,
  type EventHandler,
  type HandlersFor,
  type ProjectedEvent,
  type Projection,
  type Row,
  type RowChange,
  type RowReads,
  type StreamRows,
  type TableSpec,
} from '../engine/projection.js';

/** The shown table: the reference's columns without owner_stream and row_key (both kept by the engine). */
export const COMPANY_PORTFOLIO: TableSpec = {
  name: 'company_portfolio',
  columns: {
    organization_id: 'text',
    via: 'text',
    work_id: 'text',
    deal_id: 'text',
    role: 'text',
    country: 'text',
    territory: 'text',
    work_ids: 'text[]',
    details: 'jsonb',
    standing: 'text',
    deal_standing: 'text',
  },
};

/** Hidden: one row per work stream (key `work`). */
export const COMPANY_PORTFOLIO_WORKS: TableSpec = {
  name: 'company_portfolio_works',
  keepsHistory: false,
  columns: { work_id: 'text', withdrawn: 'boolean' },
};

/** Hidden: one row per credit no longer current (key: the creditId), with the endReason a later correction carries. */
export const COMPANY_PORTFOLIO_PAST_CREDITS: TableSpec = {
  name: 'company_portfolio_past_credits',
  keepsHistory: false,
  columns: { credit_id: 'text', end_reason: 'text' },
};

/** Hidden: one row per deal stream (key `deal`). */
export const COMPANY_PORTFOLIO_DEALS: TableSpec = {
  name: 'company_portfolio_deals',
  keepsHistory: false,
  columns: { deal_id: 'text', details: 'jsonb', status_history: 'jsonb', works: 'jsonb', withdrawn: 'boolean', standing: 'text' },
};

const PORTFOLIO = COMPANY_PORTFOLIO.name;
const WORKS = COMPANY_PORTFOLIO_WORKS.name;
const PAST_CREDITS = COMPANY_PORTFOLIO_PAST_CREDITS.name;
const DEALS = COMPANY_PORTFOLIO_DEALS.name;
const WORK_KEY = 'work';
const DEAL_KEY = 'deal';
export const creditKey = (creditId: string) => `credit:${creditId}`;
export const partyKey = (partyId: string) => `party:${partyId}`;

// ---- work streams: credits ---------------------------------------------------------------------------------------

/** A credit as the domain keeps it, as far as the row shows it. */
interface Credit extends CompanyCreditValue {
  creditId: string;
  standing?: string;
  endReason?: string;
  movedFrom?: { workId: string; note: string };
}

/** The row of a current credit: what workPortfolioRows makes of it. */
function creditRow(workId: string, c: Credit): Row {
  return {
    organization_id: c.organizationId,
    via: 'credit',
    work_id: workId,
    deal_id: null,
    role: c.role,
    country: c.country ?? null,
    territory: c.territory ?? null,
    work_ids: [workId],
    standing: c.standing ?? DEFAULT_FACT_STANDING,
    deal_standing: null,
    details: {
      creditId: c.creditId,
      ...(c.from ? { from: c.from } : {}),
      ...(c.to ? { to: c.to, ended: true } : {}),
      ...(c.endReason ? { endReason: c.endReason } : {}),
      ...(c.movedFrom ? { movedFrom: { workId: c.movedFrom.workId, note: c.movedFrom.note } } : {}),
    },
  };
}

/** The credit a row shows (everything an edit of it needs: the row keeps every field the domain would use). */
function creditOf(row: Row): Credit {
  const details = row.details as { creditId: string; from?: Credit['from']; to?: Credit['to']; endReason?: string; movedFrom?: Credit['movedFrom'] };
  return {
    creditId: details.creditId,
    standing: row.standing as string,
    organizationId: row.organization_id as string,
    role: row.role as Credit['role'],
    ...(row.country != null ? { country: row.country as string } : {}),
    ...(row.territory != null ? { territory: row.territory as string } : {}),
    ...(details.from ? { from: details.from } : {}),
    ...(details.to ? { to: details.to } : {}),
    ...(details.endReason ? { endReason: details.endReason } : {}),
    ...(details.movedFrom ? { movedFrom: details.movedFrom } : {}),
  };
}

type Work<K extends keyof WorkEventDataMap> = ProjectedEvent<K, WorkEventDataMap[K]>;
type Reads = readonly (readonly [string, string])[];

/**
 * A handler for a credit event of a work: reads the work row and `keys`, changes nothing on a withdrawn work (it shows
 * no credit, now or later: nothing un-withdraws a work). A stream that never registered its work dead-letters.
 */
function onLiveWork<K extends keyof WorkEventDataMap>(keys: (event: Work<K>) => Reads, change: (event: Work<K>, rows: StreamRows) => RowChange[]): EventHandler<Work<K>> {
  return {
    reads: (event) => ({ keys: [[WORKS, WORK_KEY], ...keys(event)] }),
    apply: (event, rows) => (required(rows, WORKS, WORK_KEY, event).withdrawn ? [] : change(event, rows)),
  };
}

/** The rows a credit's leaving (correction, move out, retraction) reads. */
const leavingReads = (creditId: string): Reads => [
  [PORTFOLIO, creditKey(creditId)],
  [PAST_CREDITS, creditId],
];

/**
 * A credit leaves the current view (the domain deprecates it): its row closes and its endReason is kept hidden. A
 * credit already gone (deprecated twice) or never stated changes nothing, as in the domain.
 */
function leave(rows: StreamRows, creditId: string): RowChange[] {
  const row = rows.get(PORTFOLIO, creditKey(creditId));
  if (!row) return [];
  return [close(PORTFOLIO, creditKey(creditId)), put(PAST_CREDITS, creditId, { credit_id: creditId, end_reason: creditOf(row).endReason ?? null })];
}

/** A whole-work retraction: every row of the work closes (the rare event that lists the work's rows), and the work is withdrawn. */
const withdrawWork: EventHandler<Work<'WorkRetracted'> | Work<'WorkFactRetracted'>> = {
  reads: () => ({ keys: [[WORKS, WORK_KEY]], tables: [PORTFOLIO, PAST_CREDITS] }),
  apply: (event, rows) => {
    const work = required(rows, WORKS, WORK_KEY, event);
    return [
      ...rows.list(PORTFOLIO).map(([key]) => close(PORTFOLIO, key)),
      ...rows.list(PAST_CREDITS).map(([key]) => close(PAST_CREDITS, key)),
      put(WORKS, WORK_KEY, { ...work, withdrawn: true }),
    ];
  },
};

const creditRetracted = onLiveWork<'WorkFactRetracted'>(
  (event) => leavingReads(event.data.fact.id),
  (event, rows) => leave(rows, event.data.fact.id),
);

const workHandlers: HandlersFor<'work'> = {
  WorkRegistered: {
    reads: () => ({ keys: [[WORKS, WORK_KEY]] }),
    // A second registration (never decided, but evolve takes it) does not un-withdraw the work.
    apply: (event, rows) => [put(WORKS, WORK_KEY, { work_id: event.data.workId, withdrawn: rows.get(WORKS, WORK_KEY)?.withdrawn === true })],
  },
  WorkDetailsUpdated: ignore,
  TitleAdded: ignore,
  PrimaryTitleSet: ignore,
  WorkRelated: ignore,
  WorkStatusChanged: ignore,
  CompanyCreditAdded: onLiveWork(
    (event) => [[PORTFOLIO, creditKey(event.data.creditId)]],
    (event) => {
      const { workId, creditId, ...value } = event.data;
      return [put(PORTFOLIO, creditKey(creditId), creditRow(workId, { creditId, ...value }))];
    },
  ),
  CompanyCreditEnded: onLiveWork(
    (event) => leavingReads(event.data.creditId),
    (event, rows) => {
      const { workId, creditId, to, reason } = event.data;
      const row = rows.get(PORTFOLIO, creditKey(creditId));
      // compact({ ...c, to, endReason: reason }): an end without a reason clears an earlier endReason.
      if (row) {
        const { endReason: _endReason, ...credit } = creditOf(row);
        return [put(PORTFOLIO, creditKey(creditId), creditRow(workId, { ...credit, to, ...(reason !== undefined ? { endReason: reason } : {}) }))];
      }
      // Ending a credit no longer current (evolve takes it): only its endReason matters, for a later correction.
      return rows.get(PAST_CREDITS, creditId) ? [put(PAST_CREDITS, creditId, { credit_id: creditId, end_reason: reason || null })] : [];
    },
  ),
  TalentAttached: ignore,
  TalentDetached: ignore,
  ReleaseScheduled: ignore,
  ReleaseMoved: ignore,
  ReleaseOccurred: ignore,
  ReleaseCancelled: ignore,
  MilestoneRecorded: ignore,
  WorkDetailsCorrected: ignore,
  TitleCorrected: ignore,
  WorkRelationCorrected: ignore,
  WorkStatusChangeCorrected: ignore,
  CompanyCreditCorrected: onLiveWork(
    (event) => [...leavingReads(event.data.creditId), [PORTFOLIO, creditKey(event.data.replacementCreditId)]],
    (event, rows) => {
      const { workId, creditId, replacementCreditId, replacement } = event.data;
      // The replacement keeps the corrected credit's endReason (not its `to`), even when that credit was already gone.
      const old = rows.get(PORTFOLIO, creditKey(creditId));
      const endReason = old ? creditOf(old).endReason : ((rows.get(PAST_CREDITS, creditId)?.end_reason as string | null | undefined) ?? undefined);
      const { endReason: _ignored, ...value } = replacement as CompanyCreditValue & { endReason?: string };
      return [
        ...leave(rows, creditId),
        put(PORTFOLIO, creditKey(replacementCreditId), creditRow(workId, { creditId: replacementCreditId, ...value, ...(endReason ? { endReason } : {}) })),
      ];
    },
  ),
  TalentAttachmentCorrected: ignore,
  ReleaseCorrected: ignore,
  MilestoneCorrected: ignore,
  // A credit's standing shows on its row (a denied one keeps it; the portfolio lists it apart), as on the card.
  WorkFactStandingChanged: onLiveWork(
    (event) => (event.data.fact.type === 'company-credit' ? [[PORTFOLIO, creditKey(event.data.fact.id)]] : []),
    (event, rows) => {
      const row = event.data.fact.type === 'company-credit' ? rows.get(PORTFOLIO, creditKey(event.data.fact.id)) : undefined;
      return row ? [put(PORTFOLIO, creditKey(event.data.fact.id), { ...row, standing: event.data.standing })] : [];
    },
  ),
  WorkFactClarified: ignore,
  WorkFactRetracted: {
    reads: (event): RowReads =>
      event.data.fact.type === 'work' ? withdrawWork.reads!(event) : event.data.fact.type === 'company-credit' ? creditRetracted.reads!(event) : {},
    apply: (event, rows) =>
      event.data.fact.type === 'work' ? withdrawWork.apply(event, rows) : event.data.fact.type === 'company-credit' ? creditRetracted.apply(event, rows) : [],
  },
  WorkRetracted: withdrawWork,
  CompanyCreditMovedOut: onLiveWork(
    (event) => leavingReads(event.data.creditId),
    (event, rows) => leave(rows, event.data.creditId),
  ),
  CompanyCreditMovedIn: onLiveWork(
    (event) => [[PORTFOLIO, creditKey(event.data.creditId)]],
    (event) => {
      const { workId, creditId, moveId: _moveId, sourceWorkId, sourceCreditId: _sourceCreditId, note, ...value } = event.data;
      return [put(PORTFOLIO, creditKey(creditId), creditRow(workId, { creditId, ...value, movedFrom: { workId: sourceWorkId, note } }))];
    },
  ),
  TalentAttachmentMovedOut: ignore,
  TalentAttachmentMovedIn: ignore,
  // Merges: queries resolve a reference to a merged work through project_status.merged_into; no row here changes.
  WorkMerged: ignore,
  WorkAbsorbed: ignore,
  WorkUnmerged: ignore,
  WorkAbsorptionReverted: ignore,
};

// ---- deal streams: parties -----------------------------------------------------------------------------------------

/** A status change as the hidden deal row keeps it: in the domain's order, current or not (a correction takes its place). */
interface StatusChange {
  statusChangeId: string;
  to: string;
  effective: unknown;
  current: boolean;
}

/** The hidden deal row. */
interface Deal {
  deal_id: string;
  details: DealDetails;
  status_history: StatusChange[];
  /** The deal's current works, in the domain's order (a correction's replacement goes last). */
  works: DealWorkValue[];
  withdrawn: boolean;
  /** How sure the whole deal is (its 'deal' fact): every side's row shows it. */
  standing: string;
}

interface Party {
  partyId: string;
  organizationId: string;
  side: string;
  share?: number;
  standing?: string;
}

/** What dealPortfolioRows makes of a current party. */
function partyRow(deal: Deal, party: Party): Row {
  const { details, works } = deal;
  const current = deal.status_history.filter((s) => s.current);
  const status = current.at(-1)?.to ?? null;
  const closedAt = current.filter((s) => s.to === 'closed').at(-1)?.effective;
  return {
    organization_id: party.organizationId,
    via: 'deal-party',
    work_id: null,
    deal_id: deal.deal_id,
    role: party.side,
    country: null,
    territory: details.territories.length === 1 ? details.territories[0]! : null,
    standing: party.standing ?? DEFAULT_FACT_STANDING,
    deal_standing: deal.standing,
    work_ids: [...new Set(works.map((w) => w.workId))],
    details: {
      partyId: party.partyId,
      dealType: details.type,
      ...(details.name ? { dealName: details.name } : {}),
      status,
      announcedAt: details.announcedAt,
      ...(closedAt ? { closedAt } : {}),
      territories: details.territories,
      ...(party.share !== undefined ? { share: party.share } : {}),
      works: works.map((w) => ({ workId: w.workId, role: w.role, ...(w.territory ? { territory: w.territory } : {}) })),
    },
  };
}

function partyOf(row: Row): Party {
  const details = row.details as { partyId: string; share?: number };
  return { partyId: details.partyId, organizationId: row.organization_id as string, side: row.role as string, standing: row.standing as string, ...('share' in details ? { share: details.share } : {}) };
}

type DealEvent<K extends keyof DealEventDataMap> = ProjectedEvent<K, DealEventDataMap[K]>;

/** The deal works without the first current entry of `workId` (the one the domain deprecates). */
function withoutWork(works: readonly DealWorkValue[], workId: string): DealWorkValue[] {
  const index = works.findIndex((w) => w.workId === workId);
  return index < 0 ? [...works] : [...works.slice(0, index), ...works.slice(index + 1)];
}

/**
 * A change to what every party row shows (details, status, works): the hidden deal row changes and each current party
 * row is rewritten from it (the deal's party rows are listed: a deal has a handful). Nothing shows on a withdrawn deal.
 */
function onDeal<K extends keyof DealEventDataMap>(change: (deal: Deal, event: DealEvent<K>) => Deal): EventHandler<DealEvent<K>> {
  return {
    reads: () => ({ keys: [[DEALS, DEAL_KEY]], tables: [PORTFOLIO] }),
    apply: (event, rows) => {
      const deal = required(rows, DEALS, DEAL_KEY, event) as unknown as Deal;
      if (deal.withdrawn) return [];
      const next = change(deal, event);
      return [put(DEALS, DEAL_KEY, next as unknown as Row), ...rows.list(PORTFOLIO).map(([key, row]) => put(PORTFOLIO, key, partyRow(next, partyOf(row))))];
    },
  };
}

/** A change to one party: reads the deal row and the parties' rows by key. */
function onParty<K extends keyof DealEventDataMap>(keys: (event: DealEvent<K>) => string[], change: (deal: Deal, event: DealEvent<K>) => RowChange[]): EventHandler<DealEvent<K>> {
  return {
    reads: (event) => ({ keys: [[DEALS, DEAL_KEY], ...keys(event).map((id) => [PORTFOLIO, partyKey(id)] as const)] }),
    apply: (event, rows) => {
      const deal = required(rows, DEALS, DEAL_KEY, event) as unknown as Deal;
      return deal.withdrawn ? [] : change(deal, event);
    },
  };
}

/** The deal is withdrawn: every party row closes (listed: a deal has a handful). */
const withdrawDeal: EventHandler<DealEvent<'DealRetracted'> | DealEvent<'DealFactRetracted'>> = {
  reads: () => ({ keys: [[DEALS, DEAL_KEY]], tables: [PORTFOLIO] }),
  apply: (event, rows) => {
    const deal = required(rows, DEALS, DEAL_KEY, event);
    return [...rows.list(PORTFOLIO).map(([key]) => close(PORTFOLIO, key)), put(DEALS, DEAL_KEY, { ...deal, withdrawn: true })];
  },
};

const markStatusChange = (history: readonly StatusChange[], id: string) => history.map((s) => (s.statusChangeId === id ? { ...s, current: false } : s));

const dealWorkRetracted = onDeal<'DealFactRetracted'>((deal, event) => ({ ...deal, works: withoutWork(deal.works, event.data.fact.id) }));
const statusChangeRetracted = onDeal<'DealFactRetracted'>((deal, event) => ({ ...deal, status_history: markStatusChange(deal.status_history, event.data.fact.id) }));
const partyRetracted = onParty<'DealFactRetracted'>(
  (event) => [event.data.fact.id],
  (_deal, event) => [close(PORTFOLIO, partyKey(event.data.fact.id))],
);
const retractionOf = (event: DealEvent<'DealFactRetracted'>): EventHandler<DealEvent<'DealFactRetracted'>> | undefined =>
  ({ deal: withdrawDeal, party: partyRetracted, work: dealWorkRetracted, 'status-change': statusChangeRetracted })[event.data.fact.type];

/** The whole deal's standing changed: every side shows it (a denied deal is listed apart by the query). */
const wholeDealStanding = onDeal<'DealFactStandingChanged'>((deal, { data }) => ({ ...deal, standing: data.standing }));

const dealHandlers: HandlersFor<'deal'> = {
  DealAnnounced: {
    // The deal's first event (nothing to read then); an announcement on a deal that has rows restates it, as evolve does.
    reads: () => ({ keys: [[DEALS, DEAL_KEY]], tables: [PORTFOLIO] }),
    apply: (event, rows) => {
      const { dealId, parties, works, statusChangeId, standing, ...details } = event.data;
      const deal: Deal = {
        deal_id: dealId,
        details,
        status_history: [{ statusChangeId, to: 'announced', effective: details.announcedAt, current: true }],
        works,
        withdrawn: rows.get(DEALS, DEAL_KEY)?.withdrawn === true,
        // As evolve's withStanding: an announcement states the deal's standing (absent: the default).
        standing: standing ?? DEFAULT_FACT_STANDING,
      };
      const closed = rows.list(PORTFOLIO).map(([key]) => close(PORTFOLIO, key));
      return [put(DEALS, DEAL_KEY, deal as unknown as Row), ...closed, ...(deal.withdrawn ? [] : parties.map((p) => put(PORTFOLIO, partyKey(p.partyId), partyRow(deal, p))))];
    },
  },
  DealDetailsUpdated: onDeal((deal, { data }) => ({ ...deal, details: { ...deal.details, ...data.changes } })),
  DealPartyAdded: onParty(
    (event) => [event.data.partyId],
    (deal, { data }) => {
      const { dealId: _dealId, partyId, ...value } = data;
      return [put(PORTFOLIO, partyKey(partyId), partyRow(deal, { partyId, ...value }))];
    },
  ),
  DealWorkAdded: onDeal((deal, { data }) => {
    const { dealId: _dealId, ...work } = data;
    return { ...deal, works: [...deal.works, work] };
  }),
  DealStatusChanged: onDeal((deal, { data }) => ({
    ...deal,
    status_history: [...deal.status_history, { statusChangeId: data.statusChangeId, to: data.to, effective: data.effective, current: true }],
  })),
  DealDetailsCorrected: onDeal((deal, { data }) => ({ ...deal, details: applyDetailsCorrection(deal.details, data.changes, data.previous) })),
  DealPartyCorrected: onParty(
    (event) => [event.data.partyId, event.data.replacementPartyId],
    (deal, { data }) => [close(PORTFOLIO, partyKey(data.partyId)), put(PORTFOLIO, partyKey(data.replacementPartyId), partyRow(deal, { partyId: data.replacementPartyId, ...data.replacement }))],
  ),
  DealWorkCorrected: onDeal((deal, { data }) => ({ ...deal, works: [...withoutWork(deal.works, data.workId), data.replacement] })),
  DealStatusChangeCorrected: onDeal((deal, { data }) => ({
    ...deal,
    // The replacement takes the corrected change's place, so the latest current change stays the status.
    status_history: deal.status_history.flatMap((s) =>
      s.statusChangeId === data.statusChangeId
        ? [{ ...s, current: false }, { statusChangeId: data.replacementStatusChangeId, to: data.replacement.to, effective: data.replacement.effective, current: true }]
        : [s],
    ),
  })),
  DealFactStandingChanged: {
    reads: (event) =>
      event.data.fact.type === 'party' ? { keys: [[PORTFOLIO, partyKey(event.data.fact.id)]] } : event.data.fact.type === 'deal' ? wholeDealStanding.reads!(event) : {},
    apply: (event, rows) => {
      if (event.data.fact.type === 'deal') return wholeDealStanding.apply(event, rows);
      const row = event.data.fact.type === 'party' ? rows.get(PORTFOLIO, partyKey(event.data.fact.id)) : undefined;
      return row ? [put(PORTFOLIO, partyKey(event.data.fact.id), { ...row, standing: event.data.standing })] : [];
    },
  },
  DealFactClarified: ignore,
  DealFactRetracted: {
    reads: (event) => retractionOf(event)?.reads?.(event) ?? {},
    apply: (event, rows) => retractionOf(event)?.apply(event, rows) ?? [],
  },
  DealRetracted: withdrawDeal,
};

export const companyPortfolioProjection: Projection = {
  name: 'company-portfolio',
  tables: [COMPANY_PORTFOLIO, COMPANY_PORTFOLIO_WORKS, COMPANY_PORTFOLIO_PAST_CREDITS, COMPANY_PORTFOLIO_DEALS],
  handlers: { work: workHandlers, deal: dealHandlers },
};
