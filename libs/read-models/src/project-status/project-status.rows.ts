import type { PartialDate } from '../../../contracts/src/envelope.js';
import { streamIdFor } from '../../../contracts/src/streams.js';
import type { WorkStatus } from '../../../contracts/src/vocabulary.js';
import { isCurrent } from '../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../domain/src/work/work.state.js';
import { earliest, sortKeyOf } from '../shared/dates.js';
import { notesOfFact, type FactNote } from '../shared/notes.js';
import type { TableColumns } from '../shared/columns.js';

/** Statuses after which a work is no longer "in development" (its development duration stops being reported). */
export const DEVELOPMENT_ENDED: readonly WorkStatus[] = ['released', 'completed', 'cancelled'];
/** Relations whose target is this work's original. */
export const ORIGINAL_RELATIONS = ['remake-of', 'localized-version-of'] as const;

export interface StatusTitle {
  titleId: string;
  text: string;
  language: string;
  class: string;
  territory?: string;
  primary: boolean;
}

export interface StatusCompany {
  creditId: string;
  organizationId: string;
  role: string;
  country?: string;
  territory?: string;
  from?: PartialDate;
  to?: PartialDate;
}

export interface StatusPerson {
  attachmentId: string;
  personId: string;
  role: string;
  character?: string;
  billing?: string;
  attachedAt?: PartialDate;
}

export interface StatusMilestone {
  milestoneId: string;
  label: string;
  kind: string;
  date: PartialDate;
}

export interface ProjectStatusRow {
  work_id: string;
  owner_stream: string;
  stream_version: number;
  primary_title: string | null;
  primary_title_language: string | null;
  titles: StatusTitle[];
  titles_search: string;
  kind: string | null;
  original_language: string | null;
  original_work_id: string | null;
  original_relation: string | null;
  status: string | null;
  status_since: string | null;
  status_since_precision: string | null;
  status_since_start: string | null;
  countries: string[];
  production_year: number | null;
  external_ids: Record<string, string>;
  companies: StatusCompany[];
  company_ids: string[];
  people: StatusPerson[];
  person_ids: string[];
  latest_milestone: StatusMilestone | null;
  development_start: string | null;
  development_start_precision: string | null;
  development_start_start: string | null;
  in_development: boolean;
  first_release: { releaseId: string; territory: string; date: PartialDate; type: string; status: string } | null;
  withdrawn: boolean;
  withdrawn_note: string | null;
  notes: FactNote[];
}

export const PROJECT_STATUS_COLUMNS: TableColumns<ProjectStatusRow> = {
  work_id: 'text',
  owner_stream: 'text',
  stream_version: 'integer',
  primary_title: 'text',
  primary_title_language: 'text',
  titles: 'jsonb',
  titles_search: 'text',
  kind: 'text',
  original_language: 'text',
  original_work_id: 'text',
  original_relation: 'text',
  status: 'text',
  status_since: 'text',
  status_since_precision: 'text',
  status_since_start: 'date',
  countries: 'text[]',
  production_year: 'integer',
  external_ids: 'jsonb',
  companies: 'jsonb',
  company_ids: 'text[]',
  people: 'jsonb',
  person_ids: 'text[]',
  latest_milestone: 'jsonb',
  development_start: 'text',
  development_start_precision: 'text',
  development_start_start: 'date',
  in_development: 'boolean',
  first_release: 'jsonb',
  withdrawn: 'boolean',
  withdrawn_note: 'text',
  notes: 'jsonb',
};

const unique = (values: readonly string[]) => [...new Set(values)];

/**
 * Development start: the earliest current development-start or rights-acquired milestone, or the effective date of
 * the first current move into in-development, whichever is earlier.
 */
export function developmentStartOf(state: WorkState): PartialDate | undefined {
  const milestones = state.milestones.filter((m) => isCurrent(m) && (m.kind === 'development-start' || m.kind === 'rights-acquired')).map((m) => m.date);
  const firstInDevelopment = state.statusHistory.filter((s) => isCurrent(s) && s.to === 'in-development' && s.effective).map((s) => s.effective);
  return earliest([...milestones, earliest(firstInDevelopment)]);
}

/** Every editorial note on the work and its facts, for the record ("the fixed fact disappears or moves, with the note kept"). */
export function workNotes(state: WorkState): FactNote[] {
  const workId = state.workId ?? '';
  return [
    ...state.detailsCorrections.map((c): FactNote => ({ factType: 'work', factId: workId, kind: 'details-corrected', note: c.note, eventId: c.eventId })),
    ...state.clarifications.map((c): FactNote => ({ factType: 'work', factId: workId, kind: 'clarified', note: c.note, eventId: c.eventId })),
    ...(state.withdrawn ? [{ factType: 'work', factId: workId, kind: 'withdrawn' as const, note: state.withdrawn.note, eventId: state.withdrawn.eventId }] : []),
    ...state.titles.flatMap((t) => notesOfFact('title', t.titleId, t)),
    ...state.relations.flatMap((r) => notesOfFact('relation', r.relationId, r)),
    ...state.statusHistory.flatMap((s) => notesOfFact('status-change', s.statusChangeId, s)),
    ...state.credits.flatMap((c) => notesOfFact('company-credit', c.creditId, c)),
    ...state.attachments.flatMap((a) => notesOfFact('talent-attachment', a.attachmentId, a)),
    ...state.releases.flatMap((r) => notesOfFact('release', r.releaseId, r)),
    ...state.milestones.flatMap((m) => notesOfFact('milestone', m.milestoneId, m)),
  ];
}

/** The work's status card: current facts only, plus the notes of everything that was fixed. */
export function projectStatusRows(state: WorkState): ProjectStatusRow[] {
  if (!state.workId) return [];
  const workId = state.workId;
  const titles = state.titles.filter(isCurrent).map(
    (t): StatusTitle => ({ titleId: t.titleId, text: t.text, language: t.language, class: t.class, ...(t.territory ? { territory: t.territory } : {}), primary: t.primary }),
  );
  const primary = titles.find((t) => t.primary) ?? titles[0];
  const original = state.relations.find((r) => isCurrent(r) && (ORIGINAL_RELATIONS as readonly string[]).includes(r.relation));
  const currentStatus = state.statusHistory.filter(isCurrent).at(-1);
  const companies = state.credits.filter(isCurrent).map(
    (c): StatusCompany => ({
      creditId: c.creditId,
      organizationId: c.organizationId,
      role: c.role,
      ...(c.country ? { country: c.country } : {}),
      ...(c.territory ? { territory: c.territory } : {}),
      ...(c.from ? { from: c.from } : {}),
      ...(c.to ? { to: c.to } : {}),
    }),
  );
  const people = state.attachments
    .filter((a) => isCurrent(a) && !a.detached)
    .map(
      (a): StatusPerson => ({
        attachmentId: a.attachmentId,
        personId: a.personId,
        role: a.role,
        ...(a.character ? { character: a.character } : {}),
        ...(a.billing ? { billing: a.billing } : {}),
        ...(a.attachedAt ? { attachedAt: a.attachedAt } : {}),
      }),
    );
  const milestones = state.milestones.filter(isCurrent);
  let latest: (typeof milestones)[number] | undefined;
  for (const m of milestones) if (!latest || sortKeyOf(m.date) >= sortKeyOf(latest.date)) latest = m;
  const releases = state.releases.filter((r) => isCurrent(r) && r.status !== 'cancelled');
  let first: (typeof releases)[number] | undefined;
  for (const r of releases) if (!first || sortKeyOf(r.date) < sortKeyOf(first.date)) first = r;
  const developmentStart = developmentStartOf(state);
  const status = state.status;
  return [
    {
      work_id: workId,
      owner_stream: streamIdFor('work', workId),
      stream_version: state.version,
      primary_title: primary?.text ?? null,
      primary_title_language: primary?.language ?? null,
      titles,
      titles_search: titles.map((t) => t.text.toLowerCase()).join('\n'),
      kind: state.details?.kind ?? null,
      original_language: state.details?.originalLanguage ?? null,
      original_work_id: original?.targetWorkId ?? null,
      original_relation: original?.relation ?? null,
      status,
      status_since: currentStatus?.effective?.date ?? null,
      status_since_precision: currentStatus?.effective?.precision ?? null,
      status_since_start: currentStatus?.effective ? sortKeyOf(currentStatus.effective) : null,
      countries: state.details?.countries ?? [],
      production_year: state.details?.productionYear ?? null,
      external_ids: { ...(state.details?.externalIds ?? {}) } as Record<string, string>,
      companies,
      company_ids: unique(companies.map((c) => c.organizationId)),
      people,
      person_ids: unique(people.map((p) => p.personId)),
      latest_milestone: latest ? { milestoneId: latest.milestoneId, label: latest.label, kind: latest.kind, date: latest.date } : null,
      development_start: developmentStart?.date ?? null,
      development_start_precision: developmentStart?.precision ?? null,
      development_start_start: developmentStart ? sortKeyOf(developmentStart) : null,
      in_development: status !== null && !DEVELOPMENT_ENDED.includes(status) && !state.withdrawn,
      first_release: first ? { releaseId: first.releaseId, territory: first.territory, date: first.date, type: first.type, status: first.status } : null,
      withdrawn: state.withdrawn !== null,
      withdrawn_note: state.withdrawn?.note ?? null,
      notes: workNotes(state),
    },
  ];
}
