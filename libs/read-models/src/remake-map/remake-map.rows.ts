import { streamIdFor } from '../../../contracts/src/streams.js';
import { isCurrent } from '../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../domain/src/work/work.state.js';
import type { TableColumns } from '../shared/columns.js';

/** "work_id <relation> target_work_id": the current relations of a work that is not withdrawn. */
export interface WorkRelationRow {
  owner_stream: string;
  relation_id: string;
  work_id: string;
  relation: string;
  target_work_id: string;
  deal_id: string | null;
}

export const WORK_RELATION_COLUMNS: TableColumns<WorkRelationRow> = {
  owner_stream: 'text',
  relation_id: 'text',
  work_id: 'text',
  relation: 'text',
  target_work_id: 'text',
  deal_id: 'text',
};

export function workRelationRows(state: WorkState): WorkRelationRow[] {
  if (!state.workId || state.withdrawn) return [];
  const workId = state.workId;
  return state.relations.filter(isCurrent).map((r) => ({
    owner_stream: streamIdFor('work', workId),
    relation_id: r.relationId,
    work_id: workId,
    relation: r.relation,
    target_work_id: r.targetWorkId,
    deal_id: r.dealId ?? null,
  }));
}
