import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { givenEvents } from '../engine/testing/projection-spec.js';
import { buildScenario, IDS, publishScenario, uuid } from '../testing/scenario.js';
import { canonicalRows, expectedRows } from '../testing/expected-rows.js';
import { lookupsProjection } from './lookups.handlers.js';

const source = { publisher: 'Variety' };
let position = 0;
function orgEvent(version: number, type: string, data: Record<string, unknown>, note?: string): PublishedEvent {
  position += 1;
  const recordedAt = new Date(Date.UTC(2025, 0, 1, 0, 0, position)).toISOString();
  return {
    eventId: uuid(10_000 + position),
    type,
    schemaVersion: 1,
    streamId: `organization-${IDS.CJ_ENM}`,
    streamType: 'organization',
    streamVersion: version,
    globalPosition: String(position),
    recordedAt,
    data: { organizationId: IDS.CJ_ENM, ...data },
    metadata: { eventId: uuid(10_000 + position), actor: { id: 'editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source, recordedAt, schemaVersion: 1, ...(note ? { note } : {}) },
  };
}

describe('lookups projection', () => {
  const registered = () =>
    orgEvent(1, 'OrganizationRegistered', {
      kind: 'conglomerate',
      country: 'KR',
      names: [
        { nameId: 'n-en', text: 'CJ ENM', language: 'en', primary: true },
        { nameId: 'n-ko', text: '씨제이이엔엠', language: 'ko-Kore', primary: false },
      ],
    });

  it('given a registered company, when its primary name is corrected, then the replacement is primary and the old version stays readable as of before', async () => {
    const spec = await givenEvents(lookupsProjection, [registered()]);
    const before = position;
    await spec.when(orgEvent(2, 'OrganizationNameCorrected', { nameId: 'n-en', replacementNameId: 'n-en2', replacement: { text: 'CJ E&M', language: 'en' }, note: 'renamed in 2011' }, 'renamed in 2011'));

    expect(spec.rows('organization_names')).toEqual([
      expect.objectContaining({ primary_name: 'CJ E&M', names: [expect.objectContaining({ nameId: 'n-ko', primary: false }), expect.objectContaining({ nameId: 'n-en2', primary: true })] }),
    ]);
    expect(spec.rows('organization_names', before)).toEqual([expect.objectContaining({ primary_name: 'CJ ENM' })]);
  });

  it('given a company whose primary name is retracted, then the first current name stands in', async () => {
    const spec = await givenEvents(lookupsProjection, [registered(), orgEvent(2, 'OrganizationFactRetracted', { fact: { type: 'name', id: 'n-en' }, note: 'never its name' }, 'never its name')]);
    expect(spec.rows('organization_names')).toEqual([expect.objectContaining({ primary_name: '씨제이이엔엠', names: [expect.objectContaining({ nameId: 'n-ko' })] })]);
  });

  it('given a company, when it is retracted, then its row is kept and flagged withdrawn', async () => {
    const spec = await givenEvents(lookupsProjection, [registered(), orgEvent(2, 'OrganizationRetracted', { note: 'duplicate record' }, 'duplicate record')]);
    expect(spec.rows('organization_names')).toEqual([expect.objectContaining({ withdrawn: true, primary_name: 'CJ ENM' })]);
  });

  it('a clarification opens no new version', async () => {
    const spec = await givenEvents(lookupsProjection, [registered(), orgEvent(2, 'OrganizationFactClarified', { fact: { type: 'name', id: 'n-en' }, note: 'stylized' }, 'stylized')]);
    expect(spec.store.versions.get('organization_names')).toHaveLength(1);
  });

  it('the demo scenario gives the rows the fold of each stream gives', async () => {
    const events = publishScenario(buildScenario());
    const spec = await givenEvents(lookupsProjection, events);
    const reference = expectedRows(events);
    const shown = (rows: readonly object[]) => canonicalRows(rows.map((row) => {
      const { owner_stream: _owner, known_names: _known, ...shownColumns } = row as Record<string, unknown>;
      return shownColumns;
    }));
    expect(shown(spec.rows('organization_names'))).toEqual(shown(reference.organization_names));
    expect(shown(spec.rows('person_names'))).toEqual(shown(reference.person_names));
  });
});
