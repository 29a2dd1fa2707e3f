/** The lookups' shown rows. */

export interface LookupName {
  nameId: string;
  text: string;
  language: string;
  kind?: string;
  primary: boolean;
}

export interface OrganizationNameRow {
  organization_id: string;
  owner_stream: string;
  primary_name: string | null;
  names: LookupName[];
  kind: string | null;
  country: string | null;
  parent_organization_id: string | null;
  withdrawn: boolean;
  /** The record this one was merged into as its duplicate, or null. */
  merged_into: string | null;
}

export interface PersonNameRow {
  person_id: string;
  owner_stream: string;
  primary_name: string | null;
  names: LookupName[];
  nationalities: string[];
  withdrawn: boolean;
  /** The record this one was merged into as its duplicate, or null. */
  merged_into: string | null;
}
