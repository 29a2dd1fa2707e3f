/** The company portfolio's shown row. */

export interface CompanyPortfolioRow {
  owner_stream: string;
  row_key: string;
  organization_id: string;
  via: 'credit' | 'deal-party';
  work_id: string | null;
  deal_id: string | null;
  /** Credit role (producer, co-producer, …) or deal side (rights-holder, co-producer, …). */
  role: string;
  country: string | null;
  territory: string | null;
  /** deal-party: the deal's current works. credit: [work_id]. */
  work_ids: string[];
  details: Record<string, unknown>;
  /** The credit's or the party's standing: rumored, reported, confirmed or denied (a denied one is listed apart). */
  standing: string;
  /** deal-party: the whole deal's standing (a denied deal is listed apart); null on a credit. */
  deal_standing: string | null;
}
