import { AggregateNotFoundError, AlreadyExistsError, DomainValidationError, FactNotFoundError, FactSupersededError, RetractedError } from '../shared/errors.js';
import { deciderSpec, type GivenEvent } from '../shared/testing/decider-spec.js';
import type { OrganizationCommand } from './organization.commands.js';
import { organizationDecider } from './organization.decider.js';
import type { OrganizationEvent } from './organization.events.js';

const spec = deciderSpec(organizationDecider);
const CJ_ENM = '0c0c0c0c-0000-4000-8000-000000000001';
const CJ_GROUP = '0c0c0c0c-0000-4000-8000-000000000009';
const SOURCE = { publisher: 'CJ ENM press release', url: 'https://www.cjenm.com/en/news/' };
const fields = (e: DomainValidationError) => e.errors.map((x) => x.field);

const registered: GivenEvent<OrganizationEvent> = {
  type: 'OrganizationRegistered',
  data: {
    organizationId: CJ_ENM,
    kind: 'conglomerate',
    country: 'KR',
    names: [
      { nameId: 'n-en', text: 'CJ ENM', language: 'en', kind: 'official', primary: true },
      { nameId: 'n-ko', text: '씨제이이엔엠', language: 'ko-Kore', primary: false },
    ],
  },
};

describe('Organization decider', () => {
  it('RegisterOrganization: multilingual names, country, kind', () => {
    spec
      .given([])
      .when({
        type: 'RegisterOrganization',
        data: {
          organizationId: CJ_ENM,
          kind: 'conglomerate',
          country: 'KR',
          names: [
            { nameId: 'n-en', text: 'CJ ENM', language: 'en', kind: 'official', primary: true },
            { nameId: 'n-ko', text: '씨제이이엔엠', language: 'ko-Kore' },
          ],
          source: SOURCE,
        },
      })
      .then([registered]);
  });

  it('RegisterOrganization: refuses a duplicate registration and invalid fields', () => {
    spec.given([registered]).when({ type: 'RegisterOrganization', data: { organizationId: CJ_ENM, kind: 'studio', country: 'KR', names: [{ text: 'CJ', language: 'en' }], source: SOURCE } }).thenThrows(AlreadyExistsError);
    spec
      .given([])
      .when({ type: 'RegisterOrganization', data: { organizationId: CJ_ENM, kind: 'guild' as never, country: 'Korea', parentOrganizationId: CJ_ENM, names: [], source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['kind', 'country', 'parentOrganizationId', 'names']));
  });

  it('UpdateOrganizationDetails: new kind; refuses parent changes here and no-ops', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateOrganizationDetails', data: { organizationId: CJ_ENM, changes: { kind: 'studio' }, source: SOURCE } })
      .then([{ type: 'OrganizationDetailsUpdated', data: { organizationId: CJ_ENM, changes: { kind: 'studio' } } }]);
    spec
      .given([registered])
      .when({ type: 'UpdateOrganizationDetails', data: { organizationId: CJ_ENM, changes: { parentOrganizationId: CJ_GROUP } as never, source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.parentOrganizationId']));
    spec.given([registered]).when({ type: 'UpdateOrganizationDetails', data: { organizationId: CJ_ENM, changes: { country: 'KR' }, source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([]).when({ type: 'UpdateOrganizationDetails', data: { organizationId: CJ_ENM, changes: { country: 'KR' }, source: SOURCE } }).thenThrows(AggregateNotFoundError);
  });

  it('ChangeParentOrganization: sets and clears the parent, never itself', () => {
    const events = spec
      .given([registered])
      .when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_GROUP, effective: { date: '2018-07', precision: 'month' }, source: SOURCE } })
      .then([{ type: 'OrganizationParentChanged', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_GROUP, effective: { date: '2018-07', precision: 'month' } } }]);
    spec
      .given([registered, ...events])
      .when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: null, source: SOURCE } })
      .then([{ type: 'OrganizationParentChanged', data: { organizationId: CJ_ENM, previousParentOrganizationId: CJ_GROUP } }]);
    spec.given([registered]).when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_ENM, source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([registered]).when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: null, source: SOURCE } }).thenThrows(DomainValidationError);
  });

  it('ChangeParentOrganization without parentOrganizationId keeps the parent: only null clears it', () => {
    const withParent = spec
      .given([registered])
      .when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_GROUP, source: SOURCE } })
      .then([{ type: 'OrganizationParentChanged', data: { organizationId: CJ_ENM, parentOrganizationId: CJ_GROUP } }]);
    spec
      .given([registered, ...withParent])
      .when({ type: 'ChangeParentOrganization', data: { organizationId: CJ_ENM, source: SOURCE } as never })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['parentOrganizationId']));
  });

  it('AddOrganizationName / SetPrimaryOrganizationName', () => {
    spec
      .given([registered])
      .when({ type: 'AddOrganizationName', data: { organizationId: CJ_ENM, nameId: 'n-old', text: 'CJ E&M', language: 'en', kind: 'former', source: SOURCE } })
      .then([{ type: 'OrganizationNameAdded', data: { organizationId: CJ_ENM, nameId: 'n-old', text: 'CJ E&M', language: 'en', kind: 'former' } }]);
    spec.given([registered]).when({ type: 'AddOrganizationName', data: { organizationId: CJ_ENM, text: 'CJ ENM', language: 'en', source: SOURCE } }).thenThrows(DomainValidationError);
    spec
      .given([registered])
      .when({ type: 'SetPrimaryOrganizationName', data: { organizationId: CJ_ENM, nameId: 'n-ko', source: SOURCE } })
      .then([{ type: 'PrimaryOrganizationNameSet', data: { organizationId: CJ_ENM, nameId: 'n-ko', previousNameId: 'n-en' } }]);
    spec.given([registered]).when({ type: 'SetPrimaryOrganizationName', data: { organizationId: CJ_ENM, nameId: 'n-xx', source: SOURCE } }).thenThrows(FactNotFoundError);
  });

  it('CorrectOrganizationFact: a name by replacement, the details with previous values', () => {
    const corrected = spec
      .given([registered])
      .when({ type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-ko' }, changes: { text: '씨제이 이엔엠' }, note: 'spacing as in the registry', source: SOURCE } })
      .then([{ type: 'OrganizationNameCorrected', data: { organizationId: CJ_ENM, nameId: 'n-ko', replacementNameId: 'id-1', replacement: { text: '씨제이 이엔엠', language: 'ko-Kore' }, note: 'spacing as in the registry' } }]);
    spec
      .given([registered, ...corrected])
      .when({ type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-ko' }, changes: { text: 'x' }, note: 'again', source: SOURCE } })
      .thenThrows(FactSupersededError);
    spec
      .given([registered])
      .when({ type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'organization', id: CJ_ENM }, changes: { kind: 'studio' }, note: 'a studio, not a holding', source: SOURCE } })
      .then([{ type: 'OrganizationDetailsCorrected', data: { organizationId: CJ_ENM, changes: { kind: 'studio' }, previous: { kind: 'conglomerate' }, note: 'a studio, not a holding' } }]);
    spec
      .given([registered])
      .when({ type: 'CorrectOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'organization', id: CJ_ENM }, changes: { kind: 'studio' }, note: '', source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['note']));
  });

  it('ClarifyOrganizationFact and RetractOrganizationFact', () => {
    spec
      .given([registered])
      .when({ type: 'ClarifyOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'event', id: 'given-1' }, note: 'CJ ENM, not CJ CGV', source: SOURCE } })
      .then([{ type: 'OrganizationFactClarified', data: { organizationId: CJ_ENM, fact: { type: 'organization', id: CJ_ENM }, note: 'CJ ENM, not CJ CGV' } }]);
    spec
      .given([registered])
      .when({ type: 'ClarifyOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-zz' }, note: 'x', source: SOURCE } })
      .then(FactNotFoundError);
    spec
      .given([registered])
      .when({ type: 'RetractOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-ko' }, note: 'not a name it uses', source: SOURCE } })
      .then([{ type: 'OrganizationFactRetracted', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-ko' }, note: 'not a name it uses' } }]);
    spec
      .given([registered])
      .when({ type: 'RetractOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'name', id: 'n-en' }, note: 'x', source: SOURCE } })
      .thenThrows(DomainValidationError);
    const withdrawn = [registered, { type: 'OrganizationRetracted' as const, data: { organizationId: CJ_ENM, note: 'duplicate record' } }];
    spec
      .given([registered])
      .when({ type: 'RetractOrganizationFact', data: { organizationId: CJ_ENM, fact: { type: 'organization', id: CJ_ENM }, note: 'duplicate record', source: SOURCE } })
      .then([withdrawn[1]!]);
    const command: OrganizationCommand = { type: 'AddOrganizationName', data: { organizationId: CJ_ENM, text: 'CJ', language: 'en', source: SOURCE } };
    spec.given(withdrawn).when(command).thenThrows(RetractedError);
  });
});
