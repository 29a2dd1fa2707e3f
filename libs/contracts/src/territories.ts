/**
 * Territories, defined once: every field named `territory` / `territories` (titles, company credits, releases, deals
 * and their works) takes an ISO 3166-1 alpha-2 country code or the code of one of the territory groups below, as the
 * trades write deals ("Latin American rights", "a North American release", "worldwide streaming").
 *
 * Group codes are lower-case slugs so they can never be mistaken for a country code, except worldwide, whose code is
 * XW: the ISO 3166 user-assigned code the contract has used for it from the start. Groups are added, never renamed or
 * removed, and a group's countries only grow: stored events keep the code an editor chose, and queries expand it
 * (`/projects?country=CA` finds a North America release) from this list, so what a group means is known here alone.
 */
import { WORLDWIDE } from './vocabulary.js';

/** ISO 3166-1 alpha-2 codes officially assigned (plus XK, Kosovo, the user-assigned code in common use). */
const COUNTRY_CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
  'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
  'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
  'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
  'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW';

export const ISO_COUNTRY_CODE_LIST: readonly string[] = COUNTRY_CODES.split(' ');
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(ISO_COUNTRY_CODE_LIST);


export interface TerritoryGroup {
  code: string;
  name: string;
  /** What the group is taken to mean, where the trades' usage varies. */
  description: string;
  countries: readonly string[];
}

const group = (code: string, name: string, description: string, countries: string): TerritoryGroup => ({ code, name, description, countries: countries.split(' ') });

const SOUTHEAST_ASIA = 'BN KH ID LA MM MY PH SG TH TL VN';
const GREATER_CHINA = 'CN HK MO TW';

export const TERRITORY_GROUPS: readonly TerritoryGroup[] = [
  { code: WORLDWIDE, name: 'Worldwide', description: 'Every country', countries: ISO_COUNTRY_CODE_LIST },
  group('north-america', 'North America', 'The US and Canada, the "domestic" market of box-office reports', 'US CA'),
  group(
    'latin-america',
    'Latin America',
    'Mexico, Central and South America and the Spanish-, Portuguese- and French-speaking Caribbean',
    'MX GT BZ HN SV NI CR PA CU DO HT PR CO VE EC PE BO CL AR UY PY BR GF',
  ),
  group(
    'europe',
    'Europe',
    'The UN geoscheme Europe (M49 150), with Cyprus, Kosovo and Turkey as European film markets count them',
    'AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA XK',
  ),
  group(
    'asia-pacific',
    'Asia-Pacific',
    'East, South-East and South Asia and Oceania',
    `${GREATER_CHINA} JP KR KP MN ${SOUTHEAST_ASIA} IN PK BD LK NP BT MV AF AU NZ PG FJ SB VU NC PF WS TO KI TV NR PW FM MH CK NU TK WF AS GU MP`,
  ),
  group('southeast-asia', 'Southeast Asia', 'The ASEAN countries and Timor-Leste', SOUTHEAST_ASIA),
  group('mena', 'Middle East and North Africa', 'The Arab League countries of the region, with Iran and Israel', 'AE BH DZ EG IL IQ IR JO KW LB LY MA OM PS QA SA SY TN YE'),
  group('greater-china', 'Greater China', 'Mainland China, Hong Kong, Macau and Taiwan', GREATER_CHINA),
  group('anz', 'Australia and New Zealand', 'ANZ', 'AU NZ'),
  group('benelux', 'Benelux', 'Belgium, the Netherlands and Luxembourg', 'BE NL LU'),
  group('nordics', 'Nordic countries', 'Scandinavia with Finland and Iceland', 'DK FI IS NO SE'),
  group('german-speaking-europe', 'German-speaking Europe', 'Germany, Austria and German-speaking Switzerland: the "GSA" territory', 'DE AT CH LI'),
];

export const TERRITORY_GROUP_CODES: readonly string[] = TERRITORY_GROUPS.map((g) => g.code);

const GROUPS_BY_CODE: ReadonlyMap<string, TerritoryGroup> = new Map(TERRITORY_GROUPS.map((g) => [g.code, g]));

export function territoryGroup(code: string): TerritoryGroup | undefined {
  return GROUPS_BY_CODE.get(code);
}

/** A country code, or a territory group's code. */
export function isTerritoryCode(value: unknown): value is string {
  return typeof value === 'string' && (ISO_COUNTRY_CODES.has(value) || GROUPS_BY_CODE.has(value));
}

/** The countries a territory stands for: a country itself, a group its countries; none for an unknown code. */
export function countriesOf(territory: string): readonly string[] {
  if (ISO_COUNTRY_CODES.has(territory)) return [territory];
  return GROUPS_BY_CODE.get(territory)?.countries ?? [];
}

/**
 * Every territory code a fact may carry that shares a country with `territory`: for a country, itself and every group
 * containing it (CA → CA, north-america, XW); for a group, its countries and every group sharing one with it. A fact
 * in any of these is "in" the territory a query asks for.
 */
export function overlappingTerritories(territory: string): string[] {
  const countries = new Set(countriesOf(territory));
  if (countries.size === 0) return [];
  return [...countries, ...TERRITORY_GROUPS.filter((g) => g.countries.some((c) => countries.has(c))).map((g) => g.code)];
}

/**
 * A territory as a client may type it, in its canonical code: a country code in any case (ca → CA), a group code in
 * any case (North-America → north-america); undefined when it is neither.
 */
export function canonicalTerritory(value: string): string | undefined {
  const upper = value.toUpperCase();
  if (ISO_COUNTRY_CODES.has(upper) || upper === WORLDWIDE) return upper;
  const lower = value.toLowerCase();
  return GROUPS_BY_CODE.has(lower) ? lower : undefined;
}
