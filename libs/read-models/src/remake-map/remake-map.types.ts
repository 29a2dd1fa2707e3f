/** The remake map's shown row. */

export interface WorkRelationRow {
  owner_stream: string;
  relation_id: string;
  work_id: string;
  relation: string;
  target_work_id: string;
  deal_id: string | null;
  /** The relation's own standing: rumored, reported, confirmed or denied. */
  standing: string;
}
