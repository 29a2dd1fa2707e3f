import { AggregateNotFoundError, AlreadyExistsError, DomainValidationError, FactNotFoundError, RetractedError } from '../shared/errors.js';
import { deciderSpec, type GivenEvent } from '../shared/testing/decider-spec.js';
import { personDecider } from './person.decider.js';
import type { PersonEvent } from './person.events.js';

const spec = deciderSpec(personDecider);
const LEE = '0d0d0d0d-0000-4000-8000-000000000002';
const SOURCE = { publisher: 'Soompi', url: 'https://www.soompi.com/article/lee-kwang-soo-vietnam' };
const fields = (e: DomainValidationError) => e.errors.map((x) => x.field);

const registered: GivenEvent<PersonEvent> = {
  type: 'PersonRegistered',
  data: {
    personId: LEE,
    names: [
      { nameId: 'n-ko', text: '이광수', language: 'ko-Kore', familyName: '이', givenName: '광수', familyNameFirst: true, primary: true },
      { nameId: 'n-rom', text: 'Lee Kwang-soo', language: 'ko-Latn', kind: 'romanization', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: true, primary: false },
    ],
    nationalities: ['KR'],
    birthYear: 1985,
    externalIds: {},
  },
};

describe('Person decider', () => {
  it('RegisterPerson: native script plus romanization, family name first', () => {
    spec
      .given([])
      .when({
        type: 'RegisterPerson',
        data: {
          personId: LEE,
          names: [
            { nameId: 'n-ko', text: '이광수', language: 'ko-Kore', familyName: '이', givenName: '광수', familyNameFirst: true, primary: true },
            { nameId: 'n-rom', text: 'Lee Kwang-soo', language: 'ko-Latn', kind: 'romanization', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: true },
          ],
          nationalities: ['KR'],
          birthYear: 1985,
          source: SOURCE,
        },
      })
      .then([registered]);
  });

  it('RegisterPerson: a name order that does not match the text, a missing order, a second registration', () => {
    spec
      .given([])
      .when({
        type: 'RegisterPerson',
        data: {
          personId: LEE,
          names: [
            { text: 'Kwang-soo Lee', language: 'en', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: true, primary: true },
            { text: '이광수', language: 'ko-Kore', familyName: '이', givenName: '광수' },
          ],
          nationalities: ['kr'],
          source: SOURCE,
        },
      })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['nationalities[0]', 'names[0].text', 'names[1].familyNameFirst']));
    spec.given([registered]).when({ type: 'RegisterPerson', data: { personId: LEE, names: [{ text: '이광수', language: 'ko-Kore' }], source: SOURCE } }).thenThrows(AlreadyExistsError);
  });

  it('UpdatePersonDetails merges external ids; unknown ids and no-ops are refused', () => {
    spec
      .given([registered])
      .when({ type: 'UpdatePersonDetails', data: { personId: LEE, changes: { externalIds: { imdb: 'nm2142350' } }, source: SOURCE } })
      .then([{ type: 'PersonDetailsUpdated', data: { personId: LEE, changes: { externalIds: { imdb: 'nm2142350' } } } }]);
    spec
      .given([registered])
      .when({ type: 'UpdatePersonDetails', data: { personId: LEE, changes: { externalIds: { instagram: 'x' } as never }, source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.externalIds.instagram']));
    spec.given([registered]).when({ type: 'UpdatePersonDetails', data: { personId: LEE, changes: { birthYear: 1985 }, source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([]).when({ type: 'UpdatePersonDetails', data: { personId: LEE, changes: { birthYear: 1985 }, source: SOURCE } }).thenThrows(AggregateNotFoundError);
  });

  it('AddPersonName (English order) and SetPrimaryPersonName', () => {
    spec
      .given([registered])
      .when({ type: 'AddPersonName', data: { personId: LEE, nameId: 'n-en', text: 'Kwang-soo Lee', language: 'en', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: false, primary: true, source: SOURCE } })
      .then([
        { type: 'PersonNameAdded', data: { personId: LEE, nameId: 'n-en', text: 'Kwang-soo Lee', language: 'en', familyName: 'Lee', givenName: 'Kwang-soo', familyNameFirst: false } },
        { type: 'PrimaryPersonNameSet', data: { personId: LEE, nameId: 'n-en', previousNameId: 'n-ko' } },
      ]);
    spec.given([registered]).when({ type: 'SetPrimaryPersonName', data: { personId: LEE, nameId: 'n-ko', source: SOURCE } }).thenThrows(DomainValidationError);
    spec
      .given([registered])
      .when({ type: 'SetPrimaryPersonName', data: { personId: LEE, nameId: 'n-rom', source: SOURCE } })
      .then([{ type: 'PrimaryPersonNameSet', data: { personId: LEE, nameId: 'n-rom', previousNameId: 'n-ko' } }]);
    spec.given([registered]).when({ type: 'SetPrimaryPersonName', data: { personId: LEE, nameId: 'nope', source: SOURCE } }).thenThrows(FactNotFoundError);
  });

  it('CorrectPersonFact: a misromanized name and a wrong birth year', () => {
    spec
      .given([registered])
      .when({ type: 'CorrectPersonFact', data: { personId: LEE, fact: { type: 'name', id: 'n-rom' }, changes: { text: 'Lee Kwang-su', givenName: 'Kwang-su' }, note: 'per his agency', source: SOURCE } })
      .then([
        {
          type: 'PersonNameCorrected',
          data: {
            personId: LEE,
            nameId: 'n-rom',
            replacementNameId: 'id-1',
            replacement: { text: 'Lee Kwang-su', language: 'ko-Latn', kind: 'romanization', familyName: 'Lee', givenName: 'Kwang-su', familyNameFirst: true },
            note: 'per his agency',
          },
        },
      ]);
    spec
      .given([registered])
      .when({ type: 'CorrectPersonFact', data: { personId: LEE, fact: { type: 'person', id: LEE }, changes: { birthYear: null }, note: 'unverified', source: SOURCE } })
      .then([{ type: 'PersonDetailsCorrected', data: { personId: LEE, changes: {}, previous: { birthYear: 1985 }, note: 'unverified' } }]);
    spec
      .given([registered])
      .when({ type: 'CorrectPersonFact', data: { personId: LEE, fact: { type: 'name', id: 'n-rom' }, changes: { familyNameFirst: false }, note: 'x', source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.text']));
    spec
      .given([registered])
      .when({ type: 'CorrectPersonFact', data: { personId: LEE, fact: { type: 'person', id: LEE }, changes: { height: 180 } as never, note: 'x', source: SOURCE } })
      .then(DomainValidationError);
    const state = spec.given([registered, { type: 'PersonDetailsCorrected', data: { personId: LEE, changes: {}, previous: { birthYear: 1985 }, note: 'unverified' } }]).state();
    expect(state.details).toEqual({ nationalities: ['KR'], externalIds: {} });
  });

  it('ClarifyPersonFact and RetractPersonFact', () => {
    spec
      .given([registered])
      .when({ type: 'ClarifyPersonFact', data: { personId: LEE, fact: { type: 'person', id: LEE }, note: 'the actor, not the novelist of the same name', source: SOURCE } })
      .then([{ type: 'PersonFactClarified', data: { personId: LEE, fact: { type: 'person', id: LEE }, note: 'the actor, not the novelist of the same name' } }]);
    spec
      .given([registered])
      .when({ type: 'RetractPersonFact', data: { personId: LEE, fact: { type: 'name', id: 'n-rom' }, note: 'x', source: SOURCE } })
      .then([{ type: 'PersonFactRetracted', data: { personId: LEE, fact: { type: 'name', id: 'n-rom' }, note: 'x' } }]);
    spec.given([registered]).when({ type: 'RetractPersonFact', data: { personId: LEE, fact: { type: 'name', id: 'n-ko' }, note: 'x', source: SOURCE } }).thenThrows(DomainValidationError);
    spec
      .given([registered, { type: 'PersonRetracted', data: { personId: LEE, note: 'duplicate' } }])
      .when({ type: 'ClarifyPersonFact', data: { personId: LEE, fact: { type: 'person', id: LEE }, note: 'x', source: SOURCE } })
      .thenThrows(RetractedError);
    spec
      .given([registered])
      .when({ type: 'RetractPersonFact', data: { personId: LEE, fact: { type: 'person', id: LEE }, note: 'duplicate', source: SOURCE } })
      .then([{ type: 'PersonRetracted', data: { personId: LEE, note: 'duplicate' } }]);
  });
  it('ErasePersonData records the destroyed keys, on a retracted person too; an unknown person or a bad key id is refused', () => {
    const KEY = '6b1f0c2e-0000-4000-8000-000000000001';
    const erasure = { type: 'ErasePersonData' as const, data: { personId: LEE, erasedKeyIds: [KEY], note: 'asked by the person, ticket 42', source: SOURCE } };
    spec
      .given([registered, { type: 'PersonRetracted', data: { personId: LEE, note: 'duplicate' } }])
      .when(erasure)
      .then([{ type: 'PersonDataErased', data: { personId: LEE, erasedKeyIds: [KEY], note: 'asked by the person, ticket 42' } }]);
    spec.given([]).when(erasure).thenThrows(AggregateNotFoundError);
    spec
      .given([registered])
      .when({ ...erasure, data: { ...erasure.data, erasedKeyIds: ['not-a-key', KEY, KEY] } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['erasedKeyIds[0]', 'erasedKeyIds']));
    spec.given([registered]).when({ ...erasure, data: { ...erasure.data, note: '' } }).thenThrows(DomainValidationError);
  });
});
