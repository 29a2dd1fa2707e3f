import { PERSON_FACT_TYPES, type PersonEventType } from '../events/person.events.js';
import { NAME_KINDS, FACT_STANDINGS } from '../vocabulary.js';
import { countrySchema, languageSchema, s, type JsonSchema } from './json-schema.js';

const personId = { personId: s.uuid() };
const note = { note: s.note() };
const nameValue = s.object(
  { text: s.text(), language: languageSchema },
  { kind: s.enumOf(NAME_KINDS), familyName: s.text(200), givenName: s.text(200), familyNameFirst: s.boolean('Order of familyName and givenName in text') },
);
const externalIds = s.object(
  {},
  {
    imdb: s.string({ pattern: '^nm\\d{7,9}$' }),
    kobis: s.string({ pattern: '^\\d{8}$' }),
    tmdb: s.string({ pattern: '^\\d+$' }),
    wikidata: s.string({ pattern: '^Q\\d+$' }),
  },
);
const details = s.object({ nationalities: s.array(countrySchema, { uniqueItems: true }), externalIds }, { birthYear: s.integer(1870, 2200) });
const factRef = s.object({ type: s.enumOf(PERSON_FACT_TYPES), id: s.string({ minLength: 1 }) });

export const personEventSchemas: Record<PersonEventType, JsonSchema> = {
  PersonRegistered: s.merge(details, s.object({ ...personId, names: s.array(s.merge(nameValue, s.object({ nameId: s.factId(), primary: s.boolean() })), { minItems: 1 }) })),
  PersonDetailsUpdated: s.object({ ...personId, changes: s.partial(details) }),
  PersonNameAdded: s.merge(nameValue, s.object({ ...personId, nameId: s.factId() })),
  PrimaryPersonNameSet: s.object({ ...personId, nameId: s.factId() }, { previousNameId: s.factId() }),
  PersonDetailsCorrected: s.object({ ...personId, changes: s.partial(details), previous: s.partial(details), ...note }),
  PersonNameCorrected: s.object({ ...personId, nameId: s.factId(), replacementNameId: s.factId(), replacement: nameValue, ...note }),
  PersonFactClarified: s.object({ ...personId, fact: factRef, ...note }),
  PersonFactRetracted: s.object({ ...personId, fact: factRef, ...note }),
  PersonRetracted: s.object({ ...personId, ...note }),
  PersonDataErased: s.object({ ...personId, erasedKeyIds: s.array(s.uuid(), { uniqueItems: true }), ...note }),
  PersonMerged: s.object({ ...personId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  PersonAbsorbed: s.object({ ...personId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
  PersonUnmerged: s.object({ ...personId, survivorId: s.uuid(), mergeId: s.factId(), ...note }),
  PersonAbsorptionReverted: s.object({ ...personId, duplicateId: s.uuid(), mergeId: s.factId(), ...note }),
  PersonFactStandingChanged: s.object({ ...personId, fact: factRef, standing: s.enumOf(FACT_STANDINGS), from: s.enumOf(FACT_STANDINGS) }),
};
