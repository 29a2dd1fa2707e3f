import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { OrganizationDetails, OrganizationFactRef, OrganizationNameValue } from '../../../contracts/src/events/organization.events.js';
import type { OrganizationKind } from '../../../contracts/src/vocabulary.js';
import type { Command, FixFields, WriteFields } from '../shared/decider.js';
import type { MergeData, UndoMergeData } from '../shared/merges.js';
import type { Changes } from '../shared/facts.js';

export interface OrganizationNameInput extends OrganizationNameValue {
  nameId?: string;
  primary?: boolean;
}

export type RegisterOrganization = Command<
  'RegisterOrganization',
  WriteFields & { organizationId: string; kind: OrganizationKind; country: string; parentOrganizationId?: string; names: OrganizationNameInput[] }
>;

export type UpdateOrganizationDetails = Command<'UpdateOrganizationDetails', WriteFields & { organizationId: string; changes: Partial<Omit<OrganizationDetails, 'parentOrganizationId'>> }>;

/** null: the organization no longer has a parent (e.g. spun off). */
export type ChangeParentOrganization = Command<
  'ChangeParentOrganization',
  WriteFields & { organizationId: string; parentOrganizationId: string | null; effective?: PartialDate }
>;

export type AddOrganizationName = Command<'AddOrganizationName', WriteFields & OrganizationNameInput & { organizationId: string }>;

export type SetPrimaryOrganizationName = Command<'SetPrimaryOrganizationName', WriteFields & { organizationId: string; nameId: string }>;

export type OrganizationFactRefInput = OrganizationFactRef | { type: 'event'; id: string };

export type CorrectOrganizationFact = Command<
  'CorrectOrganizationFact',
  FixFields & { organizationId: string; fact: OrganizationFactRefInput; changes: Changes<OrganizationDetails> | Changes<OrganizationNameValue>; replacementId?: string }
>;

export type ClarifyOrganizationFact = Command<'ClarifyOrganizationFact', FixFields & { organizationId: string; fact: OrganizationFactRefInput }>;

/** fact { type: 'organization' } withdraws the whole organization. */
export type RetractOrganizationFact = Command<'RetractOrganizationFact', FixFields & { organizationId: string; fact: OrganizationFactRefInput }>;

/** How sure a fact is changed (not a fix): the source that changed it is the command's source. */
export type ChangeOrganizationFactStanding = Command<'ChangeOrganizationFactStanding', WriteFields & { organizationId: string; fact: OrganizationFactRefInput; standing: FactStanding }>;

export type OrganizationCommand =
  | RegisterOrganization
  | UpdateOrganizationDetails
  | ChangeParentOrganization
  | AddOrganizationName
  | SetPrimaryOrganizationName
  | CorrectOrganizationFact
  | ClarifyOrganizationFact
  | RetractOrganizationFact
  | ChangeOrganizationFactStanding;

export const ORGANIZATION_COMMAND_TYPES = [
  'RegisterOrganization',
  'UpdateOrganizationDetails',
  'ChangeParentOrganization',
  'AddOrganizationName',
  'SetPrimaryOrganizationName',
  'CorrectOrganizationFact',
  'ClarifyOrganizationFact',
  'RetractOrganizationFact',
  'ChangeOrganizationFactStanding',
] as const satisfies readonly OrganizationCommand['type'][];

/** `organizationId` (the duplicate) is the same organization as `survivorId`: one decision over both streams (shared/merges.ts). */
export type MergeOrganization = Command<'MergeOrganization', MergeData & { organizationId: string }>;

/** The merge of `organizationId` was wrong: it becomes its own record again, and its survivor no longer stands for it. */
export type UndoOrganizationMerge = Command<'UndoOrganizationMerge', UndoMergeData & { organizationId: string }>;

export type OrganizationMergeCommand = MergeOrganization | UndoOrganizationMerge;
