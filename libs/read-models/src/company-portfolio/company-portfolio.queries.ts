import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
import { ORGANIZATION_NAMES } from '../lookups/lookups.handlers.js';
import { sameRecordIds } from '../lookups/merged-records.js';
import { PROJECT_STATUS } from '../project-status/project-status.handlers.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { COMPANY_PORTFOLIO } from './company-portfolio.handlers.js';

/**
 * A work the company is credited on. A credit stated on a duplicate work merged into another shows under the work that
 * stayed (its id, title, status), the credit marked `workMergedFrom`.
 */
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
  /** Stated on a duplicate work merged into the one this credit is listed under: the duplicate's id. */
  workMergedFrom?: string;
}

/** A work a deal covers; a duplicate work merged into another shows as the work that stayed, `mergedFrom` the id the deal names. */
export interface PortfolioDealWork {
  workId: string;
  primaryTitle: string | null;
  role: string | null;
  territory: string | null;
  countries: string[];
  productionYear: number | null;
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
  /** The whole deal's standing (rumored, reported, confirmed; a denied deal is listed under the portfolio's `denied`). */
  dealStanding: string;
  /** Stated for a duplicate of this company, merged into it. */
  mergedFrom?: string;
  works: PortfolioDealWork[];
}

export interface CompanyPortfolio {
  organization: { organizationId: string; name: string | null; names: unknown[]; country: string | null; kind: string | null } | null;
  /** Current credits that are not denied, by work. */
  works: PortfolioWork[];
  /** Current sides in deals, neither the side nor the deal denied. */
  deals: PortfolioDeal[];
  /**
   * Credits, deal sides and whole deals a source denied: kept in the record (a later source may confirm them) but not
   * shown as the company's involvement, as the status card lists its denied credits apart.
   */
  denied: { works: PortfolioWork[]; deals: PortfolioDeal[] };
}

interface CardSummary {
  work_id: string;
  /** The id stated, when it names a duplicate merged into `work_id` in the view. */
  merged_from: string | null;
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
    db.query<{ organization_id: string; via: string; work_id: string | null; deal_id: string | null; role: string; country: string | null; territory: string | null; work_ids: string[]; details: Record<string, unknown>; standing: string; deal_standing: string | null }>(
      `SELECT p.organization_id, p.via, p.work_id, p.deal_id, p.role, p.country, p.territory, p.work_ids, p.details, p.standing, p.deal_standing FROM ${rowParams.from(COMPANY_PORTFOLIO, 'p')}
       WHERE p.organization_id IN ${sameRecordIds(rowParams, 'organization', organizationId)} ORDER BY p.via, p.owner_stream, p.row_key`,
      rowParams.values,
    ),
  ]);
  if (org.rowCount === 0 && rows.rowCount === 0) return null;
  const workIds = [...new Set(rows.rows.flatMap((r) => r.work_ids))];
  const cardParams = new QueryParams(options);
  // A work merged into another, in the view, is read as the work that stayed (lookups/merged-records.ts).
  const works = workIds.length
    ? await db.query<CardSummary & { stated_id: string }>(
        `SELECT c.work_id AS stated_id, coalesce(s.work_id, c.work_id) AS work_id, CASE WHEN s.work_id IS NOT NULL THEN c.work_id END AS merged_from,
                coalesce(s.primary_title, c.primary_title) AS primary_title, coalesce(s.status, c.status) AS status,
                coalesce(s.countries, c.countries) AS countries, coalesce(s.production_year, c.production_year) AS production_year
           FROM ${cardParams.from(PROJECT_STATUS, 'c')} LEFT JOIN ${cardParams.from(PROJECT_STATUS, 's')} ON s.work_id = c.merged_into
          WHERE c.work_id = ANY(${cardParams.add(workIds)}::text[])`,
        cardParams.values,
      )
    : { rows: [] as (CardSummary & { stated_id: string })[] };
  const byId = new Map(works.rows.map((w) => [w.stated_id, w]));
  const summaryOf = (statedId: string) => byId.get(statedId) ?? { work_id: statedId, merged_from: null, primary_title: null, status: null, countries: [] as string[], production_year: null };
  const shown = { credited: new Map<string, PortfolioWork>(), deals: [] as PortfolioDeal[] };
  const denied = { credited: new Map<string, PortfolioWork>(), deals: [] as PortfolioDeal[] };
  for (const r of rows.rows) {
    const dealStanding = r.deal_standing ?? DEFAULT_FACT_STANDING;
    const { credited, deals } = r.standing === 'denied' || (r.via === 'deal-party' && dealStanding === 'denied') ? denied : shown;
    const merged = r.organization_id !== organizationId ? { mergedFrom: r.organization_id } : {};
    if (r.via === 'credit' && r.work_id) {
      const w = summaryOf(r.work_id);
      const entry = credited.get(w.work_id) ?? {
        workId: w.work_id,
        primaryTitle: w.primary_title,
        status: w.status,
        countries: w.countries,
        productionYear: w.production_year,
        credits: [],
      };
      entry.credits.push({ role: r.role, country: r.country, territory: r.territory, details: r.details, standing: r.standing, ...merged, ...(w.merged_from ? { workMergedFrom: w.merged_from } : {}) });
      credited.set(w.work_id, entry);
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
        dealStanding,
        ...merged,
        works: dealWorks.map((dw): PortfolioDealWork => {
          const w = summaryOf(dw.workId);
          return {
            workId: w.work_id,
            primaryTitle: w.primary_title,
            role: dw.role ?? null,
            territory: dw.territory ?? null,
            countries: w.countries,
            productionYear: w.production_year,
            ...(w.merged_from ? { mergedFrom: w.merged_from } : {}),
          };
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
