/**
 * Reference (company-portfolio): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../company-portfolio/company-portfolio.handlers.ts) must give the same rows event by event.
 */
import { streamIdFor } from '../../../../contracts/src/streams.js';
import type { DealState } from '../../../../domain/src/deal/deal.state.js';
import { isCurrent, standingOf } from '../../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import type { TableColumns } from '../../shared/columns.js';
import { CompanyPortfolioRow } from '../../company-portfolio/company-portfolio.types.js';

/** A company's current involvement: a credit on a work, or a side in a deal (with the deal's current works). */

export const COMPANY_PORTFOLIO_COLUMNS: TableColumns<CompanyPortfolioRow> = {
  owner_stream: 'text',
  row_key: 'text',
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
};

/** Current credits of a work that is not withdrawn. A moved or corrected credit leaves; its replacement comes in. */

export function workPortfolioRows(state: WorkState): CompanyPortfolioRow[] {
  if (!state.workId || state.withdrawn) return [];
  const workId = state.workId;
  return state.credits.filter(isCurrent).map((c) => ({
    owner_stream: streamIdFor('work', workId),
    row_key: `credit:${c.creditId}`,
    organization_id: c.organizationId,
    via: 'credit' as const,
    work_id: workId,
    deal_id: null,
    role: c.role,
    country: c.country ?? null,
    territory: c.territory ?? null,
    work_ids: [workId],
    standing: standingOf(c),
    deal_standing: null,
    details: {
      creditId: c.creditId,
      ...(c.from ? { from: c.from } : {}),
      ...(c.to ? { to: c.to, ended: true } : {}),
      ...(c.endReason ? { endReason: c.endReason } : {}),
      ...(c.movedFrom ? { movedFrom: { workId: c.movedFrom.workId, note: c.movedFrom.note } } : {}),
    },
  }));
}

/** Current parties of a deal that is not withdrawn, each with the deal's current works. */

export function dealPortfolioRows(state: DealState): CompanyPortfolioRow[] {
  if (!state.dealId || !state.details || state.withdrawn) return [];
  const dealId = state.dealId;
  const details = state.details;
  const works = state.works.filter(isCurrent);
  return state.parties.filter(isCurrent).map((p) => ({
    owner_stream: streamIdFor('deal', dealId),
    row_key: `party:${p.partyId}`,
    organization_id: p.organizationId,
    via: 'deal-party' as const,
    work_id: null,
    deal_id: dealId,
    role: p.side,
    country: null,
    territory: details.territories.length === 1 ? details.territories[0]! : null,
    work_ids: [...new Set(works.map((w) => w.workId))],
    standing: standingOf(p),
    deal_standing: standingOf(state),
    details: {
      partyId: p.partyId,
      dealType: details.type,
      ...(details.name ? { dealName: details.name } : {}),
      status: state.status,
      announcedAt: details.announcedAt,
      ...(state.closedAt ? { closedAt: state.closedAt } : {}),
      territories: details.territories,
      ...(p.share !== undefined ? { share: p.share } : {}),
      works: works.map((w) => ({ workId: w.workId, role: w.role, ...(w.territory ? { territory: w.territory } : {}) })),
    },
  }));
}
