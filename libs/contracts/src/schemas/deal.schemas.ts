import { DEAL_FACT_TYPES, type DealEventType } from '../events/deal.events.js';
import { DEAL_SIDES, DEAL_STATUSES, DEAL_TYPES, DEAL_WORK_ROLES, FACT_STANDINGS } from '../vocabulary.js';
import { languageSchema, partialDateSchema, s, territorySchema, type JsonSchema } from './json-schema.js';

const dealId = { dealId: s.uuid() };
const note = { note: s.note() };
const partyValue = s.object({ organizationId: s.uuid(), side: s.enumOf(DEAL_SIDES) }, { share: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'Percent' } });
const workValue = s.object({ workId: s.uuid(), role: s.enumOf(DEAL_WORK_ROLES) }, { territory: territorySchema });
const rightsWindow = s.object({}, { from: partialDateSchema, to: partialDateSchema });
const details = s.object(
  {
    type: s.enumOf(DEAL_TYPES),
    territories: s.array(territorySchema, { uniqueItems: true }),
    languages: s.array(languageSchema, { uniqueItems: true }),
    termsDisclosed: s.boolean(),
    announcedAt: partialDateSchema,
  },
  { name: s.text(), rightsWindow, coProductionTreaty: s.boolean() },
);
const statusChangeValue = s.object({ to: s.enumOf(DEAL_STATUSES), effective: partialDateSchema }, { reason: s.text(2000) });
const factRef = s.object({ type: s.enumOf(DEAL_FACT_TYPES), id: s.string({ minLength: 1 }) });

export const dealEventSchemas: Record<DealEventType, JsonSchema> = {
  DealAnnounced: s.merge(
    details,
    s.object({
      ...dealId,
      parties: s.array(s.merge(partyValue, s.object({ partyId: s.factId() })), { minItems: 1 }),
      works: s.array(workValue),
      statusChangeId: s.factId(),
    }, { standing: s.enumOf(FACT_STANDINGS, "How sure the deal is when announced; absent means 'reported'") }),
  ),
  DealDetailsUpdated: s.object({ ...dealId, changes: s.partial(s.omit(details, ['type', 'announcedAt'])) }),
  DealPartyAdded: s.merge(partyValue, s.object({ ...dealId, partyId: s.factId() })),
  DealWorkAdded: s.merge(workValue, s.object({ ...dealId })),
  DealStatusChanged: s.merge(statusChangeValue, s.object({ ...dealId, statusChangeId: s.factId(), from: s.enumOf(DEAL_STATUSES) })),
  DealDetailsCorrected: s.object({ ...dealId, changes: s.partial(details), previous: s.partial(details), ...note }),
  DealPartyCorrected: s.object({ ...dealId, partyId: s.factId(), replacementPartyId: s.factId(), replacement: partyValue, ...note }),
  DealWorkCorrected: s.object({ ...dealId, workId: s.uuid(), replacement: workValue, ...note }),
  DealStatusChangeCorrected: s.object({ ...dealId, statusChangeId: s.factId(), replacementStatusChangeId: s.factId(), replacement: statusChangeValue, ...note }),
  DealFactClarified: s.object({ ...dealId, fact: factRef, ...note }),
  DealFactRetracted: s.object({ ...dealId, fact: factRef, ...note }),
  DealRetracted: s.object({ ...dealId, ...note }),
  DealFactStandingChanged: s.object({ ...dealId, fact: factRef, standing: s.enumOf(FACT_STANDINGS), from: s.enumOf(FACT_STANDINGS) }),
};
