/** The status card's shown values and the vocabulary its handlers and queries share. */
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { WorkStatus } from '../../../contracts/src/vocabulary.js';
import { type FactNote } from '../shared/notes.js';

export const DEVELOPMENT_ENDED: readonly WorkStatus[] = ['released', 'completed', 'cancelled'];

export const ORIGINAL_RELATIONS = ['remake-of', 'localized-version-of'] as const;

export interface StatusTitle {
  titleId: string;
  text: string;
  language: string;
  class: string;
  territory?: string;
  primary: boolean;
}

export interface StatusCompany {
  creditId: string;
  organizationId: string;
  role: string;
  country?: string;
  territory?: string;
  from?: PartialDate;
  to?: PartialDate;
  /** How sure the credit is: rumored, reported, confirmed (denied ones are listed apart). */
  standing: string;
}

export interface StatusPerson {
  attachmentId: string;
  personId: string;
  role: string;
  character?: string;
  billing?: string;
  attachedAt?: PartialDate;
  /** How sure the attachment is: rumored, reported, confirmed (denied ones are listed apart). */
  standing: string;
}

export interface StatusMilestone {
  milestoneId: string;
  label: string;
  kind: string;
  date: PartialDate;
}

export interface ProjectStatusRow {
  work_id: string;
  owner_stream: string;
  stream_version: number;
  primary_title: string | null;
  primary_title_language: string | null;
  titles: StatusTitle[];
  titles_search: string;
  kind: string | null;
  original_language: string | null;
  original_work_id: string | null;
  original_relation: string | null;
  status: string | null;
  status_since: string | null;
  status_since_precision: string | null;
  status_since_start: string | null;
  countries: string[];
  production_year: number | null;
  external_ids: Record<string, string>;
  companies: StatusCompany[];
  company_ids: string[];
  people: StatusPerson[];
  person_ids: string[];
  latest_milestone: StatusMilestone | null;
  development_start: string | null;
  development_start_precision: string | null;
  development_start_start: string | null;
  in_development: boolean;
  first_release: { releaseId: string; territory: string; date: PartialDate; type: string; status: string } | null;
  withdrawn: boolean;
  withdrawn_note: string | null;
  /** The work this one was merged into as its duplicate, or null. */
  merged_into: string | null;
  standing: string;
  notes: FactNote[];
}
