import { companyPortfolioProjection } from './company-portfolio/company-portfolio.handlers.js';
import { ProjectionEngine } from './engine/engine.js';
import { streamVersionsProjection } from './engine/stream-versions.js';
import { historyOf } from './engine/system-time.js';
import { keepsHistory, type TableSpec } from './engine/projection.js';
import { lookupsProjection } from './lookups/lookups.handlers.js';
import { personAttachmentsProjection } from './person-attachments/person-attachments.handlers.js';
import { projectStatusProjection } from './project-status/project-status.handlers.js';
import { remakeMapProjection } from './remake-map/remake-map.handlers.js';
import { timelineProjection } from './timeline/timeline.handlers.js';

/** Every read model, by the name its folder has. */
export const READ_MODEL_PROJECTIONS = [
  projectStatusProjection,
  timelineProjection,
  companyPortfolioProjection,
  remakeMapProjection,
  personAttachmentsProjection,
  lookupsProjection,
  streamVersionsProjection,
] as const;

/**
 * The engine the projector, the rebuild and the verification run: every read model's handlers, applied together (an
 * event's changes to all models commit or dead-letter as one).
 */
export const READ_MODELS = new ProjectionEngine(READ_MODEL_PROJECTIONS);

const withHistory = (tables: readonly TableSpec[]) => tables.flatMap((t) => (keepsHistory(t) ? [t.name, historyOf(t.name)] : [t.name]));

/** The tables of a read model by its name, or of all ('read-models' / 'all'), each with its history; throws on an unknown name. */
export function tablesOfReadModel(name: string): readonly string[] {
  if (name === 'read-models' || name === 'all') return withHistory(READ_MODELS.tables);
  const projection = READ_MODEL_PROJECTIONS.find((p) => p.name === name);
  if (projection) return withHistory(projection.tables);
  const table = READ_MODELS.tables.find((t) => t.name === name);
  if (table) return withHistory([table]);
  throw new RangeError(`unknown read model ${JSON.stringify(name)}; known: ${READ_MODEL_PROJECTIONS.map((p) => p.name).join(', ')} (or a table name)`);
}
