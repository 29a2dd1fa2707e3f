import type { WorkRegisteredData } from '../../../contracts/src/events/work.events.js';
import type { SourceCitation } from '../../../contracts/src/envelope.js';

/** Test fixtures from the demo stories (docs: CJ ENM's Hollywood remake of 'Save the Green Planet!'). */
export const ORIGINAL = '0b1d2e3f-0000-4000-8000-000000000001'; // 지구를 지켜라! (2003)
export const REMAKE = '0b1d2e3f-0000-4000-8000-000000000002'; // the Hollywood remake in development since 2018
export const MOTHER = '0b1d2e3f-0000-4000-8000-000000000003'; // Going to Abandon My Mother (KR–VN)
export const CJ_ENM = '0c0c0c0c-0000-4000-8000-000000000001';
export const JERRYGOOD = '0c0c0c0c-0000-4000-8000-000000000002';
export const MOTIF = '0c0c0c0c-0000-4000-8000-000000000003';
export const JANG_JOON_HWAN = '0d0d0d0d-0000-4000-8000-000000000001';
export const LEE_KWANG_SOO = '0d0d0d0d-0000-4000-8000-000000000002';
export const MO_HONG_JIN = '0d0d0d0d-0000-4000-8000-000000000003';
export const REMAKE_DEAL = '0e0e0e0e-0000-4000-8000-000000000001';

export const SOURCE: SourceCitation = { publisher: 'Variety', url: 'https://variety.com/2025/film/asia/save-the-green-planet-remake', language: 'en' };
export const BETTER_SOURCE: SourceCitation = { publisher: 'Korea JoongAng Daily', url: 'https://koreajoongangdaily.joins.com/2025/07/01/entertainment', language: 'en' };

export function originalRegistered(): { type: 'WorkRegistered'; data: WorkRegisteredData } {
  return {
    type: 'WorkRegistered',
    data: {
      workId: ORIGINAL,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      productionYear: 2003,
      externalIds: { imdb: 'tt0354668' },
      titles: [
        { titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
        { titleId: 't-rom', text: "Chigurul chik'yora!", language: 'ko-Latn', class: 'transliterated', primary: false },
        { titleId: 't-en', text: 'Save the Green Planet!', language: 'en', class: 'release', territory: 'US', primary: false },
      ],
      status: 'released',
      statusChangeId: 'sc-0',
      statusEffective: { date: '2003-04-04', precision: 'day' },
    },
  };
}

export function remakeRegistered(): { type: 'WorkRegistered'; data: WorkRegisteredData } {
  return {
    type: 'WorkRegistered',
    data: {
      workId: REMAKE,
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US', 'KR'],
      externalIds: {},
      titles: [{ titleId: 't-1', text: 'Save the Green Planet!', language: 'en', class: 'working', primary: true }],
      status: 'in-development',
      statusChangeId: 'sc-1',
      statusEffective: { date: '2018', precision: 'year' },
    },
  };
}

export function motherRegistered(): { type: 'WorkRegistered'; data: WorkRegisteredData } {
  return {
    type: 'WorkRegistered',
    data: {
      workId: MOTHER,
      kind: 'feature-film',
      originalLanguage: 'vi',
      countries: ['VN', 'KR'],
      productionYear: 2025,
      externalIds: {},
      titles: [
        { titleId: 't-vi', text: 'Mang Mẹ Đi Bỏ', language: 'vi', class: 'original', primary: true },
        { titleId: 't-en', text: 'Going to Abandon My Mother', language: 'en', class: 'translated', primary: false },
      ],
      status: 'filming',
      statusChangeId: 'sc-m',
      statusEffective: { date: '2024', precision: 'year' },
    },
  };
}
