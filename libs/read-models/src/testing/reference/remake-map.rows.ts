/**
 * Reference (remake-map): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../remake-map/remake-map.handlers.ts) must give the same rows event by event.
 */
import { streamIdFor } from '../../../../contracts/src/streams.js';
import { isCurrent, standingOf } from '../../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import type { TableColumns } from '../../shared/columns.js';
import { WorkRelationRow } from '../../remake-map/remake-map.types.js';

/** "work_id <relation> target_work_id": the current relations of a work that is not withdrawn. */

export const WORK_RELATION_COLUMNS: TableColumns<WorkRelationRow> = {
  owner_stream: 'text',
  relation_id: 'text',
  work_id: 'text',
  relation: 'text',
  target_work_id: 'text',
  deal_id: 'text',
  standing: 'text',
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
    standing: standingOf(r),
  }));
}
