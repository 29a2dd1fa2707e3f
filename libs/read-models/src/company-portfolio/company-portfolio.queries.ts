import { ORGANIZATION_NAMES } from '../lookups/lookups.handlers.js';
import { sameRecordIds } from '../lookups/merged-records.js';
import { PROJECT_STATUS } from '../project-status/project-status.handlers.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { COMPANY_PORTFOLIO } from './company-portfolio.handlers.js';

export interface PortfolioWork {
  workId: string;
  primaryTitle: string | null;
  status: string | null;
  countries: string[];
  productionYear: number | null;
  /** `mergedFrom`: stated for a duplicate of this company, merged into it. */
  credits: PortfolioCredit[];
}

export interface PortfolioCredit {
  role: string;
  country: string | null;
  territory: string | null;
  details: Record<string, unknown>;
  /** rumored, reported or confirmed here; a denied credit is listed under the portfolio's `denied`. */
  standing: string;
  /** Stated for a duplicate of this company, merged into it. */
  mergedFrom?: string;
}

export interface PortfolioDeal {
  dealId: string;
  side: string;
  dealType: string | null;
  dealName: string | null;
  status: string | null;
  details: Record<string, unknown>;
  /** The side's standing (rumored, reported, confirmed; a denied side is listed under the portfolio's `denied`). */
  standing: string;
  /** Stated for a duplicate of this company, merged into it. */
  mergedFrom?: string;
  works: { workId: string; primaryTitle: string | null; role: string | null; territory: string | null; countries: string[]; productionYear: number | null }[];
}

export interface CompanyPortfolio {
  organization: { organizationId: string; name: string | null; names: unknown[]; country: string | null; kind: string | null } | null;
  /** Current credits that are not denied, by work. */
  works: PortfolioWork[];
  /** Current sides in deals that are not denied. */
  deals: PortfolioDeal[];
  /**
   * Credits and deal sides a source denied: kept in the record (a later source may confirm them) but not shown as the
   * company's involvement, as the status card lists its denied credits apart.
   */
  denied: { works: PortfolioWork[]; deals: PortfolioDeal[] };
}

interface CardSummary {
  work_id: string;
  primary_title: string | null;
  status: string | null;
  countries: string[];
  production_year: number | null;
}

/** A company's credits on works and its sides in deals (with its merged duplicates'), now or as of `options.at`. */
export async function getCompanyPortfolio(db: Queryable, organizationId: string, options?: QueryOptions): Promise<CompanyPortfolio | null> {
  const orgParams = new QueryParams(options);
  const rowParams = new QueryParams(options);
  const [org, rows] = await Promise.all([
    db.query<{ primary_name: string | null; names: unknown[]; country: string | null; kind: string | null }>(
      `SELECT o.primary_name, o.names, o.country, o.kind FROM ${orgParams.from(ORGANIZATION_NAMES, 'o')} WHERE o.organization_id = ${orgParams.add(organizationId)}`,
      orgParams.values,
    ),
    db.query<{ organization_id: string; via: string; work_id: string | null; deal_id: string | null; role: string; country: string | null; territory: string | null; work_ids: string[]; details: Record<string, unknown>; standing: string }>(
      `SELECT p.organization_id, p.via, p.work_id, p.deal_id, p.role, p.country, p.territory, p.work_ids, p.details, p.standing FROM ${rowParams.from(COMPANY_PORTFOLIO, 'p')}
       WHERE p.organization_id IN ${sameRecordIds(rowParams, 'organization', organizationId)} ORDER BY p.via, p.owner_stream, p.row_key`,
      rowParams.values,
    ),
  ]);
  if (org.rowCount === 0 && rows.rowCount === 0) return null;
  const workIds = [...new Set(rows.rows.flatMap((r) => r.work_ids))];
  const cardParams = new QueryParams(options);
  const works = workIds.length
    ? await db.query<CardSummary>(
        `SELECT c.work_id, c.primary_title, c.status, c.countries, c.production_year FROM ${cardParams.from(PROJECT_STATUS, 'c')} WHERE c.work_id = ANY(${cardParams.add(workIds)}::text[])`,
        cardParams.values,
      )
    : { rows: [] as CardSummary[] };
  const byId = new Map(works.rows.map((w) => [w.work_id, w]));
  const shown = { credited: new Map<string, PortfolioWork>(), deals: [] as PortfolioDeal[] };
  const denied = { credited: new Map<string, PortfolioWork>(), deals: [] as PortfolioDeal[] };
  for (const r of rows.rows) {
    const { credited, deals } = r.standing === 'denied' ? denied : shown;
    const merged = r.organization_id !== organizationId ? { mergedFrom: r.organization_id } : {};
    if (r.via === 'credit' && r.work_id) {
      const w = byId.get(r.work_id);
      const entry = credited.get(r.work_id) ?? {
        workId: r.work_id,
        primaryTitle: w?.primary_title ?? null,
        status: w?.status ?? null,
        countries: w?.countries ?? [],
        productionYear: w?.production_year ?? null,
        credits: [],
      };
      entry.credits.push({ role: r.role, country: r.country, territory: r.territory, details: r.details, standing: r.standing, ...merged });
      credited.set(r.work_id, entry);
    } else if (r.deal_id) {
      const dealWorks = (r.details.works as { workId: string; role: string; territory?: string }[] | undefined) ?? r.work_ids.map((workId) => ({ workId, role: null as unknown as string, territory: undefined as string | undefined }));
      deals.push({
        dealId: r.deal_id,
        side: r.role,
        dealType: (r.details.dealType as string | undefined) ?? null,
        dealName: (r.details.dealName as string | undefined) ?? null,
        status: (r.details.status as string | undefined) ?? null,
        details: r.details,
        standing: r.standing,
        ...merged,
        works: dealWorks.map((dw) => {
          const w = byId.get(dw.workId);
          return { workId: dw.workId, primaryTitle: w?.primary_title ?? null, role: dw.role ?? null, territory: dw.territory ?? null, countries: w?.countries ?? [], productionYear: w?.production_year ?? null };
        }),
      });
    }
  }
  const o = org.rows[0];
  return {
    organization: o ? { organizationId, name: o.primary_name, names: o.names, country: o.country, kind: o.kind } : null,
    works: byTitle(shown.credited),
    deals: shown.deals,
    denied: { works: byTitle(denied.credited), deals: denied.deals },
  };
}

function byTitle(credited: Map<string, PortfolioWork>): PortfolioWork[] {
  return [...credited.values()].sort((a, b) => (a.primaryTitle ?? '').localeCompare(b.primaryTitle ?? '') || a.workId.localeCompare(b.workId));
}
