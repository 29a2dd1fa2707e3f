/**
 * The controlled vocabularies of the published event contract. Values are added, never renamed or removed:
 * consumers store them and switch on them. The domain validates against these same lists.
 */

export const WORK_KINDS = ['feature-film', 'series', 'mini-series', 'short', 'documentary', 'tv-movie', 'web-series'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** domain.md "Title": one work has many titles, each in a language (with script) and of a class. */
export const TITLE_CLASSES = ['original', 'working', 'regional', 'translated', 'transliterated', 'festival', 'release'] as const;
export type TitleClass = (typeof TITLE_CLASSES)[number];

/** Read as "<this work> <relation> <target work>": the Hollywood version is a remake-of the Korean original. */
export const WORK_RELATION_TYPES = ['remake-of', 'adaptation-of', 'based-on', 'sequel-of', 'prequel-of', 'spin-off-of', 'localized-version-of'] as const;
export type WorkRelationType = (typeof WORK_RELATION_TYPES)[number];

/** The production pipeline, in order. `rumored` and `announced` are both entry points. */
export const WORK_PIPELINE_STATUSES = ['rumored', 'announced', 'in-development', 'pre-production', 'filming', 'post-production', 'completed', 'released'] as const;
/** Off-pipeline states reachable from any stage before release. */
export const WORK_SIDE_STATUSES = ['on-hold', 'turnaround', 'cancelled'] as const;
export const WORK_STATUSES = [...WORK_PIPELINE_STATUSES, ...WORK_SIDE_STATUSES] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

/** Korean credit blocks map here: presents → presenter, produces → producer, co-produces → co-producer, … */
export const COMPANY_CREDIT_ROLES = [
  'producer',
  'co-producer',
  'presenter',
  'financier',
  'world-sales',
  'distributor',
  'importer',
  'production-services',
  'licensor',
  'licensee',
  'sales-agent',
  'co-financier',
] as const;
export type CompanyCreditRole = (typeof COMPANY_CREDIT_ROLES)[number];

export const TALENT_ROLES = ['director', 'writer', 'cast', 'producer', 'executive-producer'] as const;
export type TalentRole = (typeof TALENT_ROLES)[number];

export const BILLINGS = ['lead', 'supporting', 'special-appearance', 'cameo'] as const;
export type Billing = (typeof BILLINGS)[number];

export const RELEASE_TYPES = ['world-premiere', 'festival', 'limited', 'wide', 'streaming', 'tv'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

export const RELEASE_STATUSES = ['scheduled', 'moved', 'occurred', 'cancelled'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Dated markers on a work's timeline; development sub-stages and the informal packaging/financing/greenlight markers. */
export const MILESTONE_KINDS = [
  'rights-acquired',
  'development-start',
  'treatment',
  'script',
  'packaging',
  'financing',
  'greenlight',
  'casting',
  'principal-photography-start',
  'principal-photography-end',
  'festival-selection',
  'award',
  'other',
] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export const ORGANIZATION_KINDS = [
  'conglomerate',
  'studio',
  'production-company',
  'distributor',
  'sales-agent',
  'financier',
  'broadcaster',
  'streamer',
  'exhibitor',
  'division',
  'public-agency',
  'other',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** Kinds of names an organization or person goes by. */
export const NAME_KINDS = ['official', 'trade', 'former', 'birth', 'stage', 'romanization', 'translation'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

export const DEAL_TYPES = [
  'remake-rights',
  'option',
  'co-production',
  'co-investment',
  'financing',
  'world-sales',
  'distribution',
  'slate',
  'mutual-remake',
  'localization-franchise',
] as const;
export type DealType = (typeof DEAL_TYPES)[number];

export const DEAL_SIDES = [
  'licensor',
  'licensee',
  'co-producer',
  'producer',
  'financier',
  'co-investor',
  'seller',
  'buyer',
  'sales-agent',
  'distributor',
  'rights-holder',
  'partner',
  'co-financier',
] as const;
export type DealSide = (typeof DEAL_SIDES)[number];

/** What a work is to a deal: the property whose rights are dealt (source) or a work the deal produces or covers (subject). */
export const DEAL_WORK_ROLES = ['source', 'subject'] as const;
export type DealWorkRole = (typeof DEAL_WORK_ROLES)[number];

export const DEAL_STATUSES = ['announced', 'closed', 'terminated', 'expired'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

/**
 * Territory code for "worldwide", from the ISO 3166-1 user-assigned range (X*), next to real alpha-2 codes; the other
 * territory groups are in territories.ts.
 */
export const WORLDWIDE = 'XW' as const;

/** Wikidata's statement ranks: deprecated facts stay in the record but are not shown as current. */
export const FACT_RANKS = ['preferred', 'normal', 'deprecated'] as const;
export type FactRank = (typeof FACT_RANKS)[number];

/**
 * How sure a fact is, as the trade press writes it: rumored ("in talks"), reported (by one outlet or several),
 * confirmed (by a party, a filing, a press release), denied. A fact stated without one is 'reported' (events recorded
 * before standings existed included). A denied fact stays in the record but is not shown as current; unlike a
 * retraction it does not say the desk's premise was false.
 */
export const FACT_STANDINGS = ['rumored', 'reported', 'confirmed', 'denied'] as const;
export type FactStanding = (typeof FACT_STANDINGS)[number];
/** The standing of a fact whose statement names none. */
export const DEFAULT_FACT_STANDING: FactStanding = 'reported';

/** What kind of source a citation is. Optional on a citation (older events have none). */
export const SOURCE_KINDS = ['trade-report', 'press-release', 'company-filing', 'interview', 'own-reporting', 'festival-programme'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
