/**
 * reelwire read models: one projection engine (engine/), one folder per read model with its handlers, tables and
 * queries, and the rebuild next to the engine (rebuild/).
 */
export * from './engine/projection.js';
export { ProjectionEngine, computeRun, type ApplyOutcome, type EngineInput, type StreamProgress } from './engine/engine.js';
export { READ_MODELS_SCHEMA, PROJECTION_NAME, schemaIdent, type Checkpoint } from './engine/pg-store.js';
export { applyRunInTransaction, applyMessage } from './engine/pg-apply.js';
export { getFreshness, type Freshness } from './engine/freshness.js';
export type { QueryOptions } from './shared/query-options.js';
export { READ_MODELS, READ_MODEL_PROJECTIONS, tablesOfReadModel } from './read-models.js';
export * from './project-status/project-status.queries.js';
export * from './timeline/timeline.queries.js';
export * from './remake-map/remake-map.queries.js';
export * from './company-portfolio/company-portfolio.queries.js';
export * from './person-attachments/person-attachments.queries.js';
export { yearsSince, sortKeyOf } from './shared/dates.js';
export type { FactNote, NoteKind } from './shared/notes.js';
export * from './lookups/lookups.queries.js';
export { MATCH_KINDS, WORD_SIMILARITY_THRESHOLD, type MatchKind, type NameMatch } from './shared/name-search.js';
export { mergedInto, type MergeableKind } from './lookups/merged-records.js';
