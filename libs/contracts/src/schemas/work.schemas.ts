import type { WorkEventType } from '../events/work.events.js';
import { WORK_FACT_TYPES } from '../events/work.events.js';
import {
  BILLINGS,
  COMPANY_CREDIT_ROLES,
  MILESTONE_KINDS,
  RELEASE_STATUSES,
  RELEASE_TYPES,
  TALENT_ROLES,
  TITLE_CLASSES,
  WORK_KINDS,
  WORK_RELATION_TYPES,
  WORK_STATUSES,
  FACT_STANDINGS,
} from '../vocabulary.js';
import { countrySchema, languageSchema, partialDateSchema, s, territorySchema, type JsonSchema } from './json-schema.js';

const workId = { workId: s.uuid() };
const note = { note: s.note() };

const externalIds = s.object(
  {},
  {
    eidr: s.string({ pattern: '^10\\.5240/([0-9A-F]{4}-){5}[0-9A-Z]$' }),
    kobis: s.string({ pattern: '^\\d{8}$' }),
    imdb: s.string({ pattern: '^tt\\d{7,9}$' }),
    tmdb: s.string({ pattern: '^(movie|tv)/\\d+$' }),
    wikidata: s.string({ pattern: '^Q\\d+$' }),
  },
);

const workDetails = s.object(
  { kind: s.enumOf(WORK_KINDS), originalLanguage: languageSchema, countries: s.array(countrySchema, { minItems: 1, uniqueItems: true }), externalIds },
  { productionYear: s.integer(1870, 2200) },
);

const titleValue = s.object({ text: s.text(), language: languageSchema, class: s.enumOf(TITLE_CLASSES) }, { territory: territorySchema });
const relationValue = s.object({ relation: s.enumOf(WORK_RELATION_TYPES), targetWorkId: s.uuid() }, { dealId: s.uuid() });
const statusChangeValue = s.object({ to: s.enumOf(WORK_STATUSES), effective: partialDateSchema }, { reason: s.text(2000) });
const creditValue = s.object(
  { organizationId: s.uuid(), role: s.enumOf(COMPANY_CREDIT_ROLES) },
  { country: countrySchema, territory: territorySchema, from: partialDateSchema, to: partialDateSchema },
);
const attachmentValue = s.object(
  { personId: s.uuid(), role: s.enumOf(TALENT_ROLES) },
  { character: s.text(), billing: s.enumOf(BILLINGS), attachedAt: partialDateSchema },
);
const releaseValue = s.object(
  { territory: territorySchema, date: partialDateSchema, type: s.enumOf(RELEASE_TYPES), status: s.enumOf(RELEASE_STATUSES) },
  { distributorId: s.uuid(), festival: s.text() },
);
const milestoneValue = s.object({ label: s.text(), kind: s.enumOf(MILESTONE_KINDS), date: partialDateSchema });
const standingSchema = s.enumOf(FACT_STANDINGS, "How sure the fact is when stated; absent means 'reported'");
const factRef = s.object({ type: s.enumOf(WORK_FACT_TYPES), id: s.string({ minLength: 1 }) });

/** A correction's event: the old fact id, the replacement's id and value, the note. */
function corrected(idField: string, replacementIdField: string, value: JsonSchema): JsonSchema {
  return s.object({ ...workId, [idField]: s.factId(), [replacementIdField]: s.factId(), replacement: value, ...note });
}

export const workEventSchemas: Record<WorkEventType, JsonSchema> = {
  WorkRegistered: s.merge(
    workDetails,
    s.object(
      {
        ...workId,
        titles: s.array(s.merge(titleValue, s.object({ titleId: s.factId(), primary: s.boolean() })), { minItems: 1 }),
        status: s.enumOf(WORK_STATUSES),
        statusChangeId: s.factId(),
      },
      { statusEffective: partialDateSchema, standing: standingSchema },
    ),
  ),
  WorkDetailsUpdated: s.object({ ...workId, changes: s.partial(workDetails) }),
  TitleAdded: s.merge(titleValue, s.object({ ...workId, titleId: s.factId() })),
  PrimaryTitleSet: s.object({ ...workId, titleId: s.factId() }, { previousTitleId: s.factId() }),
  WorkRelated: s.merge(relationValue, s.object({ ...workId, relationId: s.factId() })),
  WorkStatusChanged: s.merge(statusChangeValue, s.object({ ...workId, statusChangeId: s.factId(), from: s.enumOf(WORK_STATUSES) })),
  CompanyCreditAdded: s.merge(creditValue, s.object({ ...workId, creditId: s.factId() }, { standing: standingSchema })),
  CompanyCreditEnded: s.object({ ...workId, creditId: s.factId(), to: partialDateSchema }, { reason: s.text(2000) }),
  TalentAttached: s.merge(attachmentValue, s.object({ ...workId, attachmentId: s.factId() }, { standing: standingSchema })),
  TalentDetached: s.object({ ...workId, attachmentId: s.factId(), reason: s.text(2000) }, { detachedAt: partialDateSchema }),
  ReleaseScheduled: s.merge(releaseValue, s.object({ ...workId, releaseId: s.factId() })),
  ReleaseMoved: s.object({ ...workId, releaseId: s.factId(), previousDate: partialDateSchema, date: partialDateSchema }, { reason: s.text(2000) }),
  ReleaseOccurred: s.object({ ...workId, releaseId: s.factId(), date: partialDateSchema }),
  ReleaseCancelled: s.object({ ...workId, releaseId: s.factId() }, { reason: s.text(2000) }),
  MilestoneRecorded: s.merge(milestoneValue, s.object({ ...workId, milestoneId: s.factId() })),
  WorkDetailsCorrected: s.object({ ...workId, changes: s.partial(workDetails), previous: s.partial(workDetails), ...note }),
  TitleCorrected: corrected('titleId', 'replacementTitleId', titleValue),
  WorkRelationCorrected: corrected('relationId', 'replacementRelationId', relationValue),
  WorkStatusChangeCorrected: corrected('statusChangeId', 'replacementStatusChangeId', statusChangeValue),
  CompanyCreditCorrected: corrected('creditId', 'replacementCreditId', creditValue),
  TalentAttachmentCorrected: corrected('attachmentId', 'replacementAttachmentId', attachmentValue),
  ReleaseCorrected: corrected('releaseId', 'replacementReleaseId', releaseValue),
  MilestoneCorrected: corrected('milestoneId', 'replacementMilestoneId', milestoneValue),
  WorkFactClarified: s.object({ ...workId, fact: factRef, ...note }),
  WorkFactRetracted: s.object({ ...workId, fact: factRef, ...note }),
  WorkRetracted: s.object({ ...workId, ...note }),
  WorkFactStandingChanged: s.object({ ...workId, fact: factRef, standing: s.enumOf(FACT_STANDINGS), from: s.enumOf(FACT_STANDINGS) }),
  CompanyCreditMovedOut: s.object({ ...workId, creditId: s.factId(), moveId: s.string({ minLength: 1 }), targetWorkId: s.uuid(), targetCreditId: s.factId(), ...note }),
  CompanyCreditMovedIn: s.merge(
    creditValue,
    s.object({ ...workId, creditId: s.factId(), moveId: s.string({ minLength: 1 }), sourceWorkId: s.uuid(), sourceCreditId: s.factId(), ...note }),
  ),
  TalentAttachmentMovedOut: s.object({
    ...workId,
    attachmentId: s.factId(),
    moveId: s.string({ minLength: 1 }),
    targetWorkId: s.uuid(),
    targetAttachmentId: s.factId(),
    ...note,
  }),
  TalentAttachmentMovedIn: s.merge(
    attachmentValue,
    s.object({ ...workId, attachmentId: s.factId(), moveId: s.string({ minLength: 1 }), sourceWorkId: s.uuid(), sourceAttachmentId: s.factId(), ...note }),
  ),
  WorkMerged: s.object({ ...workId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  WorkAbsorbed: s.object({ ...workId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
  WorkUnmerged: s.object({ ...workId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  WorkAbsorptionReverted: s.object({ ...workId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
};
