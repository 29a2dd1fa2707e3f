/**
 * Remake map on the projection engine: "work_id <relation> target_work_id", one row per current relation of a work
 * that is not withdrawn, keyed by its relation id (the same rows as remake-map.rows.ts). Deals add nothing here: a
 * relation names its deal itself.
 *
 * Hidden state: `remake_map_works`, one row per work (key `work`) saying whether it is withdrawn (a withdrawn work
 * shows no relation, whatever comes after). A relation event reads it and the relation rows it names, by key; only a
 * whole-work retraction lists the work's relation rows, to close them.
 */
import type { WorkEventDataMap } from '../../../contracts/src/events/work.events.js';
import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
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

/** The shown table: the reference's columns without owner_stream; the row key is relation_id. */
export const WORK_RELATIONS: TableSpec = {
  name: 'work_relations',
  columns: {
    relation_id: 'text',
    work_id: 'text',
    relation: 'text',
    target_work_id: 'text',
    deal_id: 'text',
    standing: 'text',
  },
};

/** Hidden: one row per work stream (key `work`). */
export const REMAKE_MAP_WORKS: TableSpec = {
  name: 'remake_map_works',
  keepsHistory: false,
  columns: { work_id: 'text', withdrawn: 'boolean' },
};

const RELATIONS = WORK_RELATIONS.name;
const WORKS = REMAKE_MAP_WORKS.name;
const WORK_KEY = 'work';

/** A relation is stated (or restated by a correction) with the default standing; only a standing change moves it. */
function relationRow(workId: string, r: { relationId: string; relation: string; targetWorkId: string; dealId?: string }): Row {
  return { relation_id: r.relationId, work_id: workId, relation: r.relation, target_work_id: r.targetWorkId, deal_id: r.dealId ?? null, standing: DEFAULT_FACT_STANDING };
}

type Work<K extends keyof WorkEventDataMap> = ProjectedEvent<K, WorkEventDataMap[K]>;

/** A relation event: reads the work row and the relations it names; a withdrawn work changes nothing. */
function onLiveWork<K extends keyof WorkEventDataMap>(relationIds: (event: Work<K>) => string[], change: (event: Work<K>, rows: StreamRows) => RowChange[]): EventHandler<Work<K>> {
  return {
    reads: (event) => ({ keys: [[WORKS, WORK_KEY], ...relationIds(event).map((id) => [RELATIONS, id] as const)] }),
    apply: (event, rows) => (required(rows, WORKS, WORK_KEY, event).withdrawn ? [] : change(event, rows)),
  };
}

/** A whole-work retraction: every relation row of the work closes (listed: the rare event), and the work is withdrawn. */
const withdrawWork: EventHandler<Work<'WorkRetracted'> | Work<'WorkFactRetracted'>> = {
  reads: () => ({ keys: [[WORKS, WORK_KEY]], tables: [RELATIONS] }),
  apply: (event, rows) => {
    const work = required(rows, WORKS, WORK_KEY, event);
    return [...rows.list(RELATIONS).map(([key]) => close(RELATIONS, key)), put(WORKS, WORK_KEY, { ...work, withdrawn: true })];
  },
};

/** A relation retracted: its row closes (one already deprecated, or never stated, changes nothing). */
const relationRetracted = onLiveWork<'WorkFactRetracted'>(
  (event) => [event.data.fact.id],
  (event) => [close(RELATIONS, event.data.fact.id)],
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
  WorkRelated: onLiveWork(
    (event) => [event.data.relationId],
    ({ data: { workId, ...relation } }) => [put(RELATIONS, relation.relationId, relationRow(workId, relation))],
  ),
  WorkStatusChanged: ignore,
  CompanyCreditAdded: ignore,
  CompanyCreditEnded: ignore,
  TalentAttached: ignore,
  TalentDetached: ignore,
  ReleaseScheduled: ignore,
  ReleaseMoved: ignore,
  ReleaseOccurred: ignore,
  ReleaseCancelled: ignore,
  MilestoneRecorded: ignore,
  WorkDetailsCorrected: ignore,
  TitleCorrected: ignore,
  // The corrected relation leaves (if still current); the replacement is current whatever the corrected one was.
  WorkRelationCorrected: onLiveWork(
    (event) => [event.data.relationId, event.data.replacementRelationId],
    ({ data }) => [close(RELATIONS, data.relationId), put(RELATIONS, data.replacementRelationId, relationRow(data.workId, { relationId: data.replacementRelationId, ...data.replacement }))],
  ),
  WorkStatusChangeCorrected: ignore,
  CompanyCreditCorrected: ignore,
  TalentAttachmentCorrected: ignore,
  ReleaseCorrected: ignore,
  MilestoneCorrected: ignore,
  // A relation's own standing shows on its edge of the map (the works' standing is their cards').
  WorkFactStandingChanged: onLiveWork(
    (event) => (event.data.fact.type === 'relation' ? [event.data.fact.id] : []),
    (event, rows) => {
      const row = event.data.fact.type === 'relation' ? rows.get(RELATIONS, event.data.fact.id) : undefined;
      return row ? [put(RELATIONS, event.data.fact.id, { ...row, standing: event.data.standing })] : [];
    },
  ),
  WorkFactClarified: ignore,
  WorkFactRetracted: {
    reads: (event): RowReads =>
      event.data.fact.type === 'work' ? withdrawWork.reads!(event) : event.data.fact.type === 'relation' ? relationRetracted.reads!(event) : {},
    apply: (event, rows) =>
      event.data.fact.type === 'work' ? withdrawWork.apply(event, rows) : event.data.fact.type === 'relation' ? relationRetracted.apply(event, rows) : [],
  },
  WorkRetracted: withdrawWork,
  CompanyCreditMovedOut: ignore,
  CompanyCreditMovedIn: ignore,
  TalentAttachmentMovedOut: ignore,
  TalentAttachmentMovedIn: ignore,
  // Merges: queries resolve a reference to a merged work through project_status.merged_into; no row here changes.
  WorkMerged: ignore,
  WorkAbsorbed: ignore,
  WorkUnmerged: ignore,
  WorkAbsorptionReverted: ignore,
};

export const remakeMapProjection: Projection = {
  name: 'remake-map',
  tables: [WORK_RELATIONS, REMAKE_MAP_WORKS],
  handlers: { work: workHandlers },
};
