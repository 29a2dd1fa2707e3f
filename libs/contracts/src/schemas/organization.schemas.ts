import { ORGANIZATION_FACT_TYPES, type OrganizationEventType } from '../events/organization.events.js';
import { NAME_KINDS, ORGANIZATION_KINDS, FACT_STANDINGS } from '../vocabulary.js';
import { countrySchema, languageSchema, partialDateSchema, s, type JsonSchema } from './json-schema.js';

const organizationId = { organizationId: s.uuid() };
const note = { note: s.note() };
const nameValue = s.object({ text: s.text(), language: languageSchema }, { kind: s.enumOf(NAME_KINDS) });
const details = s.object({ kind: s.enumOf(ORGANIZATION_KINDS), country: countrySchema }, { parentOrganizationId: s.uuid() });
const factRef = s.object({ type: s.enumOf(ORGANIZATION_FACT_TYPES), id: s.string({ minLength: 1 }) });

export const organizationEventSchemas: Record<OrganizationEventType, JsonSchema> = {
  OrganizationRegistered: s.merge(details, s.object({ ...organizationId, names: s.array(s.merge(nameValue, s.object({ nameId: s.factId(), primary: s.boolean() })), { minItems: 1 }) })),
  OrganizationDetailsUpdated: s.object({ ...organizationId, changes: s.partial(s.omit(details, ['parentOrganizationId'])) }),
  OrganizationParentChanged: s.object({ ...organizationId }, { parentOrganizationId: s.uuid(), previousParentOrganizationId: s.uuid(), effective: partialDateSchema }),
  OrganizationNameAdded: s.merge(nameValue, s.object({ ...organizationId, nameId: s.factId() })),
  PrimaryOrganizationNameSet: s.object({ ...organizationId, nameId: s.factId() }, { previousNameId: s.factId() }),
  OrganizationDetailsCorrected: s.object({ ...organizationId, changes: s.partial(details), previous: s.partial(details), ...note }),
  OrganizationNameCorrected: s.object({ ...organizationId, nameId: s.factId(), replacementNameId: s.factId(), replacement: nameValue, ...note }),
  OrganizationFactClarified: s.object({ ...organizationId, fact: factRef, ...note }),
  OrganizationFactRetracted: s.object({ ...organizationId, fact: factRef, ...note }),
  OrganizationRetracted: s.object({ ...organizationId, ...note }),
  OrganizationMerged: s.object({ ...organizationId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  OrganizationAbsorbed: s.object({ ...organizationId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
  OrganizationUnmerged: s.object({ ...organizationId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  OrganizationAbsorptionReverted: s.object({ ...organizationId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
  OrganizationFactStandingChanged: s.object({ ...organizationId, fact: factRef, standing: s.enumOf(FACT_STANDINGS), from: s.enumOf(FACT_STANDINGS) }),
};
