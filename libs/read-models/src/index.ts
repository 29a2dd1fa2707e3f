/** reelwire read models: pure row builders from folded aggregate state, the projector's store, and the queries. */
export * from './shared/row-set.js';
export * from './shared/notes.js';
export { yearsSince, sortKeyOf } from './shared/dates.js';
export * from './project-status/project-status.rows.js';
export * from './timeline/timeline.rows.js';
export * from './company-portfolio/company-portfolio.rows.js';
export * from './remake-map/remake-map.rows.js';
export * from './person-attachments/person-attachments.rows.js';
export * from './lookups/lookups.rows.js';
export * from './row-builders.js';
export * from './aggregates.js';
export * from './projector-store.js';
export * from './queries.js';
export * from './as-of.js';
export * from './batch-apply.js';
