import type { CompanyPortfolioRow } from '../../company-portfolio/company-portfolio.types.js';
import type { OrganizationNameRow, PersonNameRow } from '../../lookups/lookups.types.js';
import type { PersonAttachmentRow } from '../../person-attachments/person-attachments.types.js';
import type { ProjectStatusRow } from '../../project-status/project-status.types.js';
import type { WorkRelationRow } from '../../remake-map/remake-map.types.js';
import type { TimelineEntryRow } from '../../timeline/timeline.types.js';

/**
 * The rows one stream's folded state produces, per read-model table. Keys are the table names in the read-model
 * schema; row keys are the column names. Computing a RowSet is pure (no I/O), so the same code serves the projector,
 * a rebuild and an in-memory as-of view.
 */
export interface RowSet {
  project_status: ProjectStatusRow[];
  timeline_entries: TimelineEntryRow[];
  company_portfolio: CompanyPortfolioRow[];
  work_relations: WorkRelationRow[];
  person_attachments: PersonAttachmentRow[];
  organization_names: OrganizationNameRow[];
  person_names: PersonNameRow[];
}

export type ReadModelTable = keyof RowSet;

export function emptyRowSet(): RowSet {
  return { project_status: [], timeline_entries: [], company_portfolio: [], work_relations: [], person_attachments: [], organization_names: [], person_names: [] };
}

/** Concatenates row sets (e.g. the rows of every stream, for an in-memory view). */
export function mergeRowSets(sets: readonly RowSet[]): RowSet {
  const merged = emptyRowSet();
  for (const set of sets) for (const table of Object.keys(merged) as ReadModelTable[]) (merged[table] as unknown[]).push(...set[table]);
  return merged;
}

export type { ColumnType, TableColumns } from '../../shared/columns.js';
