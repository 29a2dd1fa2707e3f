import { READ_MODELS_SCHEMA, TABLE_COLUMNS } from '../../read-models/src/projector-store.js';
import type { ReadModelTable } from '../../read-models/src/shared/row-set.js';

/** The live read models and the schema a rebuild fills before the swap. */
export const LIVE_SCHEMA = READ_MODELS_SCHEMA;
export const SHADOW_SCHEMA = `${READ_MODELS_SCHEMA}_shadow`;
export const OLD_SCHEMA = `${READ_MODELS_SCHEMA}_old`;

/** Read models by name (libs/read-models folders) → their tables. All are written by ONE projection. */
export const READ_MODEL_TABLES: Record<string, readonly ReadModelTable[]> = {
  'project-status': ['project_status'],
  timeline: ['timeline_entries'],
  'company-portfolio': ['company_portfolio'],
  'remake-map': ['work_relations'],
  'person-attachments': ['person_attachments'],
  lookups: ['organization_names', 'person_names'],
};

export const ALL_MODEL_TABLES = Object.keys(TABLE_COLUMNS) as ReadModelTable[];

/** Bookkeeping compared by --verify next to the model tables (checkpoints are Kafka offsets, not derived from the log). */
export const BOOKKEEPING_TABLES = ['projection_snapshots', 'dead_letters'] as const;

export function projectionNames(): string[] {
  return [...Object.keys(READ_MODEL_TABLES), 'read-models'];
}

/** The tables a projection name stands for ('read-models' or 'all' = every model); throws on an unknown name. */
export function tablesOf(name: string): readonly ReadModelTable[] {
  if (name === 'read-models' || name === 'all') return ALL_MODEL_TABLES;
  const byModel = READ_MODEL_TABLES[name];
  if (byModel) return byModel;
  if ((ALL_MODEL_TABLES as string[]).includes(name)) return [name as ReadModelTable];
  throw new RangeError(`unknown projection ${JSON.stringify(name)}; known: ${projectionNames().join(', ')} (or a table name)`);
}
