/**
 * Reference (project-status): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../project-status/project-status.handlers.ts) must give the same rows event by event.
 */
import type { PartialDate } from '../../../../contracts/src/envelope.js';
import { streamIdFor } from '../../../../contracts/src/streams.js';
import { isCurrent, standingOf } from '../../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import { earliest, sortKeyOf } from '../../shared/dates.js';
import { type FactNote } from '../../shared/notes.js';
import { notesOfFact } from './notes.js';
import type { TableColumns } from '../../shared/columns.js';
import { DEVELOPMENT_ENDED, ORIGINAL_RELATIONS, StatusTitle, StatusCompany, StatusPerson, ProjectStatusRow } from '../../project-status/project-status.types.js';

/** Statuses after which a work is no longer "in development" (its development duration stops being reported). */

/** Relations whose target is this work's original. */

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
  merged_into: 'text',
  standing: 'text',
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
      standing: standingOf(c),
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
        standing: standingOf(a),
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
      merged_into: state.mergedInto?.survivorId ?? null,
      standing: standingOf(state),
      notes: workNotes(state),
    },
  ];
}
