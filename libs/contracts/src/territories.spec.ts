import { territorySchema } from './schemas/json-schema.js';
import { canonicalTerritory, countriesOf, ISO_COUNTRY_CODES, isTerritoryCode, overlappingTerritories, TERRITORY_GROUPS } from './territories.js';
import { WORLDWIDE } from './vocabulary.js';

describe('territories: countries and named groups, defined once', () => {
  it('gives every group a unique code that cannot be read as a country, and only real countries as members', () => {
    const codes = TERRITORY_GROUPS.map((g) => g.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const group of TERRITORY_GROUPS) {
      expect({ group: group.code, countryCode: ISO_COUNTRY_CODES.has(group.code) }).toEqual({ group: group.code, countryCode: false });
      expect({ group: group.code, unknown: group.countries.filter((c) => !ISO_COUNTRY_CODES.has(c)) }).toEqual({ group: group.code, unknown: [] });
      expect({ group: group.code, repeated: group.countries.length - new Set(group.countries).size }).toEqual({ group: group.code, repeated: 0 });
    }
  });

  it('keeps XW as worldwide, standing for every country', () => {
    expect(TERRITORY_GROUPS.find((g) => g.code === WORLDWIDE)?.name).toBe('Worldwide');
    expect(new Set(countriesOf(WORLDWIDE))).toEqual(ISO_COUNTRY_CODES);
  });

  it('finds a Canadian fact in Canada, North America and worldwide, and nowhere in Europe or Latin America', () => {
    const overlapping = overlappingTerritories('CA');
    expect(overlapping).toEqual(expect.arrayContaining(['CA', 'north-america', WORLDWIDE]));
    expect(overlapping).not.toEqual(expect.arrayContaining(['europe']));
    expect(overlapping).not.toContain('latin-america');
    expect(overlapping).not.toContain('US');
  });

  it('finds, for a group, facts in any of its countries and in groups sharing one (Southeast Asia meets Asia-Pacific, not Europe)', () => {
    const overlapping = overlappingTerritories('southeast-asia');
    expect(overlapping).toEqual(expect.arrayContaining(['VN', 'TH', 'ID', 'southeast-asia', 'asia-pacific', WORLDWIDE]));
    expect(overlapping).not.toContain('europe');
    expect(overlapping).not.toContain('KR');
    expect(overlappingTerritories('WW')).toEqual([]);
  });

  it('reads a territory typed in any case into its code, and nothing else', () => {
    expect([canonicalTerritory('ca'), canonicalTerritory('xw'), canonicalTerritory('North-America'), canonicalTerritory('WW'), canonicalTerritory('north america')]).toEqual([
      'CA',
      'XW',
      'north-america',
      undefined,
      undefined,
    ]);
    expect([isTerritoryCode('latin-america'), isTerritoryCode('XW'), isTerritoryCode('KR'), isTerritoryCode('WW'), isTerritoryCode('ca')]).toEqual([true, true, true, false, false]);
  });

  it('publishes the same codes in the event schema: countries and every group, not free text', () => {
    const pattern = new RegExp(territorySchema.pattern!);
    for (const group of TERRITORY_GROUPS) expect({ code: group.code, valid: pattern.test(group.code) }).toEqual({ code: group.code, valid: true });
    expect([pattern.test('KR'), pattern.test('north america'), pattern.test('latin'), pattern.test('europe-x')]).toEqual([true, false, false, false]);
  });
});
