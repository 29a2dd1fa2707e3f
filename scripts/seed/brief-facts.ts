/**
 * The demo data set: the facts of the news brief in ../shared/brief/ restated as editor requests, plus the remakes of
 * 'Sunny' and 'Miss Granny' by country and year, which the brief mentions only as "several Asian markets" — those cite
 * the public encyclopedia entries they come from. Every request cites its source; nothing here copies the brief's text.
 *
 * Ids are fixed so that seeding twice addresses the same records (and every request carries an Idempotency-Key).
 */

export interface SeedRequest {
  /** Stable step id; also the Idempotency-Key suffix. */
  id: string;
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

type PartialDate = { date: string; precision: 'day' | 'month' | 'year' };
const year = (date: string): PartialDate => ({ date, precision: 'year' });

export const BRIEF_SOURCE = {
  publisher: 'Korean film news brief (Trends)',
  title: 'Korean films go global: Hollywood remakes and Southeast Asian co-productions',
  retrievedAt: '2026-11-25',
  language: 'en',
};
const MISS_GRANNY_SOURCE = { publisher: 'Wikipedia', title: 'Miss Granny', url: 'https://en.wikipedia.org/wiki/Miss_Granny', language: 'en', retrievedAt: '2026-11-25' };
const SUNNY_SOURCE = { publisher: 'Wikipedia', title: 'Sunny (2011 film)', url: 'https://en.wikipedia.org/wiki/Sunny_(2011_film)', language: 'en', retrievedAt: '2026-11-25' };

/** Fixed ids of the demo records (UUID v4 layout, recognisable prefix). */
export const IDS = {
  org: {
    cjEnm: '5eed0a00-0000-4000-8000-000000000001',
    jerrygood: '5eed0a00-0000-4000-8000-000000000002',
    leeChang: '5eed0a00-0000-4000-8000-000000000003',
    motif: '5eed0a00-0000-4000-8000-000000000004',
    anhTeu: '5eed0a00-0000-4000-8000-000000000005',
    sate: '5eed0a00-0000-4000-8000-000000000006',
  },
  person: {
    jangJoonHwan: '5eed0b00-0000-4000-8000-000000000001',
    moHongJin: '5eed0b00-0000-4000-8000-000000000002',
    leeKwangSoo: '5eed0b00-0000-4000-8000-000000000003',
    hoangHa: '5eed0b00-0000-4000-8000-000000000004',
    tuanTran: '5eed0b00-0000-4000-8000-000000000005',
    hongDao: '5eed0b00-0000-4000-8000-000000000006',
  },
  work: {
    saveTheGreenPlanet: '5eed0c00-0000-4000-8000-000000000001',
    saveTheGreenPlanetRemake: '5eed0c00-0000-4000-8000-000000000002',
    goingToAbandonMyMother: '5eed0c00-0000-4000-8000-000000000003',
    sunny: '5eed0c00-0000-4000-8000-000000000010',
    sunnyJapan: '5eed0c00-0000-4000-8000-000000000011',
    sunnyVietnam: '5eed0c00-0000-4000-8000-000000000012',
    sunnyIndonesia: '5eed0c00-0000-4000-8000-000000000013',
    missGranny: '5eed0c00-0000-4000-8000-000000000020',
    missGrannyChina: '5eed0c00-0000-4000-8000-000000000021',
    missGrannyVietnam: '5eed0c00-0000-4000-8000-000000000022',
    missGrannyJapan: '5eed0c00-0000-4000-8000-000000000023',
    missGrannyThailand: '5eed0c00-0000-4000-8000-000000000024',
    missGrannyIndonesia: '5eed0c00-0000-4000-8000-000000000025',
    missGrannyPhilippines: '5eed0c00-0000-4000-8000-000000000026',
  },
  deal: {
    coProduction: '5eed0d00-0000-4000-8000-000000000001',
    oneSourceMultiTerritory: '5eed0d00-0000-4000-8000-000000000002',
  },
} as const;

function organization(id: string, kind: string, country: string, names: { text: string; language: string }[]): SeedRequest {
  const withPrimary = names.map((name, index) => ({ ...name, primary: index === 0 }));
  return { id: `org-${id}`, method: 'POST', path: '/organizations', body: { organizationId: id, kind, country, names: withPrimary, source: BRIEF_SOURCE } };
}

interface PersonName {
  text: string;
  language: string;
  familyName?: string;
  givenName?: string;
  familyNameFirst?: boolean;
  primary?: boolean;
}
function person(id: string, nationality: string, names: PersonName[]): SeedRequest {
  return { id: `person-${id}`, method: 'POST', path: '/people', body: { personId: id, names, nationalities: [nationality], source: BRIEF_SOURCE } };
}

const korean = (hangul: string, romanized: string, family: string, given: string): PersonName[] => [
  { text: romanized, language: 'ko-Latn', familyName: family, givenName: given, familyNameFirst: true, primary: true },
  { text: hangul, language: 'ko-Kore', familyName: hangul.slice(0, 1), givenName: hangul.slice(1), familyNameFirst: true },
];

const on = (workId: string, step: string, path: string, body: Record<string, unknown>, source: object = BRIEF_SOURCE): SeedRequest => ({
  id: `work-${workId}-${step}`,
  method: 'POST',
  path: `/works/${workId}/${path}`,
  body: { ...body, source },
});

interface Localization {
  id: string;
  country: string;
  language: string;
  year: string;
  titles: { text: string; language: string; class: string }[];
}

function localizations(original: string, source: object, versions: Localization[]): SeedRequest[] {
  return versions.flatMap((version) => [
    {
      id: `work-${version.id}`,
      method: 'POST' as const,
      path: '/works',
      body: {
        workId: version.id,
        kind: 'feature-film',
        originalLanguage: version.language,
        countries: [version.country],
        productionYear: Number(version.year),
        titles: version.titles.map((title, index) => ({ ...title, primary: index === 0 })),
        status: 'released',
        statusEffective: year(version.year),
        source,
      },
    },
    on(version.id, 'localized-version-of', 'relations', { relation: 'localized-version-of', targetWorkId: original }, source),
    on(version.id, 'release', 'releases', { territory: version.country, date: year(version.year), type: 'wide', status: 'occurred' }, source),
  ]);
}

export function briefSeed(): SeedRequest[] {
  const { org, person: p, work, deal } = IDS;
  return [
    organization(org.cjEnm, 'conglomerate', 'KR', [
      { text: 'CJ ENM', language: 'en' },
      { text: 'CJ이엔엠', language: 'ko-Kore' },
    ]),
    organization(org.jerrygood, 'production-company', 'KR', [{ text: 'Jerrygood Company', language: 'en' }]),
    organization(org.leeChang, 'production-company', 'KR', [{ text: 'Film Company Lee Chang', language: 'en' }]),
    organization(org.motif, 'production-company', 'VN', [{ text: 'Motif Pictures', language: 'en' }]),
    organization(org.anhTeu, 'production-company', 'VN', [{ text: 'Anh Teu Studio', language: 'en' }]),
    organization(org.sate, 'production-company', 'VN', [{ text: 'SATE', language: 'en' }]),

    person(p.jangJoonHwan, 'KR', korean('장준환', 'Jang Joon-hwan', 'Jang', 'Joon-hwan')),
    person(p.moHongJin, 'KR', korean('모홍진', 'Mo Hong-jin', 'Mo', 'Hong-jin')),
    person(p.leeKwangSoo, 'KR', korean('이광수', 'Lee Kwang-soo', 'Lee', 'Kwang-soo')),
    person(p.hoangHa, 'VN', [{ text: 'Hoàng Hà', language: 'vi', primary: true }]),
    person(p.tuanTran, 'VN', [{ text: 'Tuấn Trần', language: 'vi', primary: true }]),
    person(p.hongDao, 'VN', [{ text: 'Hồng Đào', language: 'vi', primary: true }]),

    // The 2003 original and its Hollywood remake, in development since 2018.
    {
      id: `work-${work.saveTheGreenPlanet}`,
      method: 'POST',
      path: '/works',
      body: {
        workId: work.saveTheGreenPlanet,
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        productionYear: 2003,
        titles: [
          { text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
          { text: 'Jigureul jikyeora!', language: 'ko-Latn', class: 'transliterated' },
          { text: 'Save the Green Planet!', language: 'en', class: 'translated' },
        ],
        status: 'released',
        statusEffective: year('2003'),
        source: BRIEF_SOURCE,
      },
    },
    on(work.saveTheGreenPlanet, 'director', 'attachments', { personId: p.jangJoonHwan, role: 'director' }),
    {
      id: `work-${work.saveTheGreenPlanetRemake}`,
      method: 'POST',
      path: '/works',
      body: {
        workId: work.saveTheGreenPlanetRemake,
        kind: 'feature-film',
        originalLanguage: 'en',
        countries: ['US'],
        titles: [{ text: 'Save the Green Planet!', language: 'en', class: 'working', primary: true }],
        status: 'in-development',
        statusEffective: year('2018'),
        source: BRIEF_SOURCE,
        note: 'Hollywood remake; the brief does not give its own title, so the original English title is recorded as the working title',
      },
    },
    on(work.saveTheGreenPlanetRemake, 'remake-of', 'relations', { relation: 'remake-of', targetWorkId: work.saveTheGreenPlanet }),
    on(work.saveTheGreenPlanetRemake, 'cj-enm', 'credits', { organizationId: org.cjEnm, role: 'producer', country: 'KR', from: year('2018') }),
    on(work.saveTheGreenPlanetRemake, 'development-start', 'milestones', { label: 'CJ ENM starts developing the Hollywood remake', kind: 'development-start', date: year('2018') }),
    on(work.saveTheGreenPlanetRemake, 'seven-years', 'milestones', {
      label: 'Reported as a seven-year development, still in progress',
      kind: 'other',
      date: year('2025'),
    }),

    // The Korean–Vietnamese co-production.
    {
      id: `work-${work.goingToAbandonMyMother}`,
      method: 'POST',
      path: '/works',
      body: {
        workId: work.goingToAbandonMyMother,
        kind: 'feature-film',
        originalLanguage: 'vi',
        countries: ['VN', 'KR'],
        titles: [
          { text: 'Going to Abandon My Mother', language: 'en', class: 'translated', primary: true },
          { text: 'Mang Mẹ Đi Bỏ', language: 'vi', class: 'original' },
        ],
        status: 'announced',
        statusEffective: year('2025'),
        source: BRIEF_SOURCE,
        note: 'Described as upcoming; the brief gives no production stage',
      },
    },
    on(work.goingToAbandonMyMother, 'director', 'attachments', { personId: p.moHongJin, role: 'director' }),
    on(work.goingToAbandonMyMother, 'cast-lee-kwang-soo', 'attachments', { personId: p.leeKwangSoo, role: 'cast', billing: 'lead' }),
    on(work.goingToAbandonMyMother, 'cast-hoang-ha', 'attachments', { personId: p.hoangHa, role: 'cast' }),
    on(work.goingToAbandonMyMother, 'cast-tuan-tran', 'attachments', { personId: p.tuanTran, role: 'cast' }),
    on(work.goingToAbandonMyMother, 'cast-hong-dao', 'attachments', { personId: p.hongDao, role: 'cast' }),
    on(work.goingToAbandonMyMother, 'jerrygood', 'credits', { organizationId: org.jerrygood, role: 'producer', country: 'KR' }),
    on(work.goingToAbandonMyMother, 'lee-chang', 'credits', { organizationId: org.leeChang, role: 'producer', country: 'KR' }),
    on(work.goingToAbandonMyMother, 'motif', 'credits', { organizationId: org.motif, role: 'co-producer', country: 'VN' }),
    on(work.goingToAbandonMyMother, 'anh-teu', 'credits', { organizationId: org.anhTeu, role: 'co-producer', country: 'VN' }),
    on(work.goingToAbandonMyMother, 'sate', 'credits', { organizationId: org.sate, role: 'co-producer', country: 'VN' }),
    {
      id: `deal-${deal.coProduction}`,
      method: 'POST',
      path: '/deals',
      body: {
        dealId: deal.coProduction,
        type: 'co-production',
        name: 'Going to Abandon My Mother (Korea–Vietnam)',
        parties: [org.jerrygood, org.leeChang, org.motif, org.anhTeu, org.sate].map((organizationId) => ({ organizationId, side: 'co-producer' })),
        works: [{ workId: work.goingToAbandonMyMother, role: 'subject' }],
        territories: ['KR', 'VN'],
        languages: ['vi', 'ko'],
        termsDisclosed: false,
        announcedAt: year('2025'),
        source: BRIEF_SOURCE,
      },
    },

    // 'One Source Multi Territory': CJ ENM's 2010s localizations of Korean hits.
    {
      id: `work-${work.sunny}`,
      method: 'POST',
      path: '/works',
      body: {
        workId: work.sunny,
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        productionYear: 2011,
        titles: [
          { text: '써니', language: 'ko-Kore', class: 'original', primary: true },
          { text: 'Sseoni', language: 'ko-Latn', class: 'transliterated' },
          { text: 'Sunny', language: 'en', class: 'translated' },
        ],
        status: 'released',
        statusEffective: year('2011'),
        source: BRIEF_SOURCE,
      },
    },
    {
      id: `work-${work.missGranny}`,
      method: 'POST',
      path: '/works',
      body: {
        workId: work.missGranny,
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        productionYear: 2014,
        titles: [
          { text: '수상한 그녀', language: 'ko-Kore', class: 'original', primary: true },
          { text: 'Susanghan geunyeo', language: 'ko-Latn', class: 'transliterated' },
          { text: 'Miss Granny', language: 'en', class: 'translated' },
        ],
        status: 'released',
        statusEffective: year('2014'),
        source: BRIEF_SOURCE,
      },
    },
    ...localizations(work.sunny, SUNNY_SOURCE, [
      { id: work.sunnyJapan, country: 'JP', language: 'ja', year: '2018', titles: [{ text: 'SUNNY 強い気持ち・強い愛', language: 'ja', class: 'original' }, { text: 'Sunny: Our Hearts Beat Together', language: 'en', class: 'translated' }] },
      { id: work.sunnyVietnam, country: 'VN', language: 'vi', year: '2018', titles: [{ text: 'Tháng năm rực rỡ', language: 'vi', class: 'original' }, { text: 'Go-Go Sisters', language: 'en', class: 'translated' }] },
      { id: work.sunnyIndonesia, country: 'ID', language: 'id', year: '2019', titles: [{ text: 'Bebas', language: 'id', class: 'original' }] },
    ]),
    ...localizations(work.missGranny, MISS_GRANNY_SOURCE, [
      { id: work.missGrannyChina, country: 'CN', language: 'zh', year: '2015', titles: [{ text: '重返20岁', language: 'zh-Hans', class: 'original' }, { text: '20 Once Again', language: 'en', class: 'translated' }] },
      { id: work.missGrannyVietnam, country: 'VN', language: 'vi', year: '2015', titles: [{ text: 'Em là bà nội của anh', language: 'vi', class: 'original' }, { text: 'Sweet 20', language: 'en', class: 'translated' }] },
      { id: work.missGrannyJapan, country: 'JP', language: 'ja', year: '2016', titles: [{ text: 'あやしい彼女', language: 'ja', class: 'original' }, { text: 'Sing My Life', language: 'en', class: 'translated' }] },
      { id: work.missGrannyThailand, country: 'TH', language: 'th', year: '2016', titles: [{ text: 'Suddenly Twenty', language: 'en', class: 'translated' }] },
      { id: work.missGrannyIndonesia, country: 'ID', language: 'id', year: '2017', titles: [{ text: 'Sweet 20', language: 'id', class: 'original' }] },
      { id: work.missGrannyPhilippines, country: 'PH', language: 'fil', year: '2018', titles: [{ text: 'Miss Granny', language: 'fil', class: 'original' }] },
    ]),
    {
      id: `deal-${deal.oneSourceMultiTerritory}`,
      method: 'POST',
      path: '/deals',
      body: {
        dealId: deal.oneSourceMultiTerritory,
        type: 'localization-franchise',
        name: 'One Source Multi Territory',
        parties: [{ organizationId: org.cjEnm, side: 'rights-holder' }],
        works: [
          { workId: work.sunny, role: 'source' },
          { workId: work.missGranny, role: 'source' },
          { workId: work.sunnyJapan, role: 'subject', territory: 'JP' },
          { workId: work.sunnyVietnam, role: 'subject', territory: 'VN' },
          { workId: work.sunnyIndonesia, role: 'subject', territory: 'ID' },
          { workId: work.missGrannyChina, role: 'subject', territory: 'CN' },
          { workId: work.missGrannyVietnam, role: 'subject', territory: 'VN' },
          { workId: work.missGrannyJapan, role: 'subject', territory: 'JP' },
          { workId: work.missGrannyThailand, role: 'subject', territory: 'TH' },
          { workId: work.missGrannyIndonesia, role: 'subject', territory: 'ID' },
          { workId: work.missGrannyPhilippines, role: 'subject', territory: 'PH' },
        ],
        territories: ['CN', 'VN', 'JP', 'TH', 'ID', 'PH'],
        termsDisclosed: false,
        announcedAt: year('2015'),
        source: BRIEF_SOURCE,
        note: "The brief places the strategy in 'the 2010s'; 2015 is the year of its first local versions",
      },
    },
  ];
}
