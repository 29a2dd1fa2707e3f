import type { DealState } from '../../../../domain/src/deal/deal.state.js';
import type { OrganizationState } from '../../../../domain/src/organization/organization.state.js';
import type { PersonState } from '../../../../domain/src/person/person.state.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import { dealPortfolioRows, workPortfolioRows } from './company-portfolio.rows.js';
import { organizationNameRows, personNameRows } from './lookups.rows.js';
import { personAttachmentRows } from './person-attachments.rows.js';
import { projectStatusRows } from './project-status.rows.js';
import { workRelationRows } from './remake-map.rows.js';
import { emptyRowSet, type RowSet } from './row-set.js';
import { dealTimelineRows, workTimelineRows, type SourceLookup } from './timeline.rows.js';

/** Pure: every read-model row a work stream owns, from its folded state (and the sources its facts cite). */
export function rowsForWork(state: WorkState, sourceOfFact?: SourceLookup): RowSet {
  return {
    ...emptyRowSet(),
    project_status: projectStatusRows(state),
    timeline_entries: workTimelineRows(state, sourceOfFact),
    company_portfolio: workPortfolioRows(state),
    work_relations: workRelationRows(state),
    person_attachments: personAttachmentRows(state),
  };
}

/** Pure: a deal stream's rows — its entries on each work's timeline and its parties' portfolio rows. */
export function rowsForDeal(state: DealState, sourceOfEvent?: SourceLookup): RowSet {
  return { ...emptyRowSet(), timeline_entries: dealTimelineRows(state, sourceOfEvent), company_portfolio: dealPortfolioRows(state) };
}

export function rowsForOrganization(state: OrganizationState): RowSet {
  return { ...emptyRowSet(), organization_names: organizationNameRows(state) };
}

export function rowsForPerson(state: PersonState): RowSet {
  return { ...emptyRowSet(), person_names: personNameRows(state) };
}
