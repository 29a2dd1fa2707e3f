/**
 * Lookups: one row per organization and per person with its primary name and every current name (other models join
 * them at query time, so a renamed company shows its new name everywhere without touching their rows). A duplicate's
 * row says which record it was merged into (`merged_into`): queries resolve references to it through that, so a merge
 * rewrites no other row and costs one row whatever the duplicate's history.
 */
import type { OrganizationEventDataMap } from '../../../contracts/src/events/organization.events.js';
import type { PersonEventDataMap } from '../../../contracts/src/events/person.events.js';
import { ignore, put, required, type EventHandler, type HandlersFor, type ProjectedEvent, type Projection, type Row, type TableSpec } from '../engine/projection.js';
import type { LookupName } from './lookups.types.js';

export const ORGANIZATION_NAMES: TableSpec = {
  name: 'organization_names',
  columns: {
    organization_id: 'text',
    primary_name: 'text',
    names: 'jsonb',
    kind: 'text',
    country: 'text',
    parent_organization_id: 'text',
    withdrawn: 'boolean',
    known_names: 'jsonb',
    merged_into: 'text',
  },
};

export const PERSON_NAMES: TableSpec = {
  name: 'person_names',
  columns: {
    person_id: 'text',
    primary_name: 'text',
    names: 'jsonb',
    nationalities: 'text[]',
    withdrawn: 'boolean',
    known_names: 'jsonb',
    merged_into: 'text',
  },
};

/**
 * Every name ever stated, in the order the domain keeps them (a correction's replacement goes last), with whether it
 * still stands: what a correction of an already deprecated name, or a retraction of the primary one, needs to decide
 * as the domain does. A person or company has a handful of names, so the row stays small.
 */
interface KnownName extends LookupName {
  current: boolean;
}

const ROW_KEY = 'lookup';
const nameOf = (n: { nameId: string; text: string; language: string; kind?: string; primary: boolean }, current = true): KnownName => ({
  nameId: n.nameId,
  text: n.text,
  language: n.language,
  ...(n.kind ? { kind: n.kind } : {}),
  primary: n.primary,
  current,
});

/** The columns derived from the known names: the current ones and the primary (or first current) name. */
function withNames(row: Row, known: readonly KnownName[]): Row {
  const names: LookupName[] = known.filter((n) => n.current).map(({ current: _current, ...name }) => name);
  return { ...row, known_names: known, names, primary_name: (names.find((n) => n.primary) ?? names[0])?.text ?? null };
}

const knownNames = (row: Row) => row.known_names as KnownName[];
const setPrimary = (known: readonly KnownName[], nameId: string) => known.map((n) => ({ ...n, primary: n.nameId === nameId }));
const correctName = (known: readonly KnownName[], nameId: string, replacement: KnownName) => {
  const old = known.find((n) => n.nameId === nameId);
  return [...known.map((n) => (n.nameId === nameId ? { ...n, current: false, primary: false } : n)), { ...replacement, primary: old?.primary ?? false }];
};
const retractName = (known: readonly KnownName[], nameId: string) => known.map((n) => (n.nameId === nameId ? { ...n, current: false } : n));

/** A handler that rewrites the stream's one lookup row. */
function onRow<E extends ProjectedEvent>(table: string, change: (row: Row, event: E) => Row): EventHandler<E> {
  return {
    reads: () => ({ keys: [[table, ROW_KEY]] }),
    apply: (event, rows) => [put(table, ROW_KEY, change(required(rows, table, ROW_KEY, event), event))],
  };
}

type Org<K extends keyof OrganizationEventDataMap> = ProjectedEvent<K, OrganizationEventDataMap[K]>;
type Person<K extends keyof PersonEventDataMap> = ProjectedEvent<K, PersonEventDataMap[K]>;
const org = <K extends keyof OrganizationEventDataMap>(change: (row: Row, event: Org<K>) => Row) => onRow<Org<K>>(ORGANIZATION_NAMES.name, change);
const person = <K extends keyof PersonEventDataMap>(change: (row: Row, event: Person<K>) => Row) => onRow<Person<K>>(PERSON_NAMES.name, change);

/** Details corrections name the keys they set (`changes`) and the keys they clear (in `previous` but not `changes`). */
function corrected<T extends object>(current: T, changes: Partial<T>, previous: Partial<T>): Partial<T> {
  const next: Record<string, unknown> = { ...current, ...changes };
  for (const key of Object.keys(previous)) if (!(key in changes)) delete next[key];
  return next as Partial<T>;
}

const organizationHandlers: HandlersFor<'organization'> = {
  OrganizationRegistered: {
    apply: (event) => {
      const { organizationId, kind, country, parentOrganizationId, names } = event.data;
      const row = { organization_id: organizationId, kind, country, parent_organization_id: parentOrganizationId ?? null, withdrawn: false, merged_into: null };
      return [put(ORGANIZATION_NAMES.name, ROW_KEY, withNames(row, names.map((n) => nameOf(n))))];
    },
  },
  OrganizationDetailsUpdated: org((row, { data }) => ({ ...row, kind: data.changes.kind ?? row.kind, country: data.changes.country ?? row.country })),
  OrganizationParentChanged: org((row, { data }) => ({ ...row, parent_organization_id: data.parentOrganizationId ?? null })),
  OrganizationNameAdded: org((row, { data }) => withNames(row, [...knownNames(row), nameOf({ ...data, primary: false })])),
  PrimaryOrganizationNameSet: org((row, { data }) => withNames(row, setPrimary(knownNames(row), data.nameId))),
  OrganizationDetailsCorrected: org((row, { data }) => {
    const details = corrected({ kind: row.kind, country: row.country, ...(row.parent_organization_id ? { parentOrganizationId: row.parent_organization_id } : {}) } as Record<string, unknown>, data.changes, data.previous);
    return { ...row, kind: details.kind ?? null, country: details.country ?? null, parent_organization_id: details.parentOrganizationId ?? null };
  }),
  OrganizationNameCorrected: org((row, { data }) => withNames(row, correctName(knownNames(row), data.nameId, nameOf({ nameId: data.replacementNameId, ...data.replacement, primary: false })))),
  OrganizationFactStandingChanged: ignore,
  OrganizationFactClarified: ignore,
  OrganizationFactRetracted: org((row, { data }) => (data.fact.type === 'name' ? withNames(row, retractName(knownNames(row), data.fact.id)) : { ...row, withdrawn: true })),
  OrganizationRetracted: org((row) => ({ ...row, withdrawn: true })),
  OrganizationMerged: org((row, { data }) => ({ ...row, merged_into: data.survivorId })),
  OrganizationUnmerged: org((row) => ({ ...row, merged_into: null })),
  // The survivor's rows are unchanged: queries find its duplicates by their merged_into.
  OrganizationAbsorbed: ignore,
  OrganizationAbsorptionReverted: ignore,
};

const personHandlers: HandlersFor<'person'> = {
  PersonRegistered: {
    apply: (event) => {
      const { personId, names, nationalities } = event.data;
      return [put(PERSON_NAMES.name, ROW_KEY, withNames({ person_id: personId, nationalities, withdrawn: false, merged_into: null }, names.map((n) => nameOf(n))))];
    },
  },
  PersonDetailsUpdated: person((row, { data }) => ({ ...row, nationalities: data.changes.nationalities ?? row.nationalities })),
  PersonNameAdded: person((row, { data }) => withNames(row, [...knownNames(row), nameOf({ ...data, primary: false })])),
  PrimaryPersonNameSet: person((row, { data }) => withNames(row, setPrimary(knownNames(row), data.nameId))),
  PersonDetailsCorrected: person((row, { data }) => {
    const details = corrected({ nationalities: row.nationalities } as Record<string, unknown>, data.changes, data.previous);
    return { ...row, nationalities: details.nationalities ?? [] };
  }),
  PersonNameCorrected: person((row, { data }) => withNames(row, correctName(knownNames(row), data.nameId, nameOf({ nameId: data.replacementNameId, ...data.replacement, primary: false })))),
  PersonFactStandingChanged: ignore,
  PersonFactClarified: ignore,
  PersonFactRetracted: person((row, { data }) => (data.fact.type === 'name' ? withNames(row, retractName(knownNames(row), data.fact.id)) : { ...row, withdrawn: true })),
  PersonRetracted: person((row) => ({ ...row, withdrawn: true })),
  // Read models never hold personal data (it stays sealed in the log), so an erasure changes no row.
  PersonDataErased: ignore,
  PersonMerged: person((row, { data }) => ({ ...row, merged_into: data.survivorId })),
  PersonUnmerged: person((row) => ({ ...row, merged_into: null })),
  PersonAbsorbed: ignore,
  PersonAbsorptionReverted: ignore,
};

export const lookupsProjection: Projection = {
  name: 'lookups',
  tables: [ORGANIZATION_NAMES, PERSON_NAMES],
  handlers: { organization: organizationHandlers, person: personHandlers },
};
