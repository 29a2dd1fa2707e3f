import { WORK_PIPELINE_STATUSES, WORK_SIDE_STATUSES, WORK_STATUSES, type WorkStatus } from '../../../contracts/src/vocabulary.js';
import { assertNever } from '../shared/decider.js';
import { isCurrent } from '../shared/facts.js';
import type { StatusChange } from './work.state.js';

/**
 * The work status lifecycle (domain.md "Status lifecycle"), decided here:
 *
 * - Pipeline: rumored → announced → in-development → pre-production → filming → post-production → completed → released.
 *   Moves go forward and may skip stages (news reports "cameras rolled" without having reported pre-production).
 *   rumored → announced is a confirmation; nothing goes back to rumored.
 * - One backward move is normal business: post-production → filming (reshoots). Any other "backward" move means a
 *   status was wrong: that is a correction (CorrectWorkFact on the status change), not a transition.
 * - released is final.
 * - From any stage before released: on-hold, turnaround, cancelled.
 * - on-hold → back to the pipeline stage it left or any later one (incl. released, for a shelved completed film),
 *   or turnaround / cancelled. Registered directly as on-hold (stage unknown): any pipeline stage but rumored.
 * - turnaround (the studio let the project go) → in-development or pre-production when someone picks it up,
 *   on-hold, cancelled.
 * - cancelled → in-development only: a revival restarts development (a revived project keeps its history).
 */
export type PipelineStatus = (typeof WORK_PIPELINE_STATUSES)[number];

function isPipeline(status: WorkStatus): status is PipelineStatus {
  return (WORK_PIPELINE_STATUSES as readonly string[]).includes(status);
}

function forwardFrom(status: PipelineStatus, inclusive: boolean): WorkStatus[] {
  const index = WORK_PIPELINE_STATUSES.indexOf(status);
  return WORK_PIPELINE_STATUSES.slice(inclusive ? index : index + 1);
}

/** Statuses reachable from `current`; `lastPipeline` is the pipeline stage the work was last in (for on-hold). */
export function allowedNextStatuses(current: WorkStatus, lastPipeline: PipelineStatus | null): WorkStatus[] {
  switch (current) {
    case 'rumored':
    case 'announced':
    case 'in-development':
    case 'pre-production':
    case 'filming':
    case 'completed':
      return [...forwardFrom(current, false), ...WORK_SIDE_STATUSES];
    case 'post-production':
      return ['filming', ...forwardFrom(current, false), ...WORK_SIDE_STATUSES];
    case 'released':
      return [];
    case 'on-hold': {
      const resume = lastPipeline ? forwardFrom(lastPipeline, true) : WORK_PIPELINE_STATUSES.filter((s) => s !== 'rumored');
      return [...resume, 'turnaround', 'cancelled'];
    }
    case 'turnaround':
      return ['in-development', 'pre-production', 'on-hold', 'cancelled'];
    case 'cancelled':
      return ['in-development'];
    default:
      return assertNever(current, 'work status');
  }
}

/** The latest current status change, and the pipeline stage the work was last in. */
export function statusOf(history: readonly StatusChange[]): { status: WorkStatus | null; lastPipeline: PipelineStatus | null } {
  const current = history.filter(isCurrent);
  const status = current.at(-1)?.to ?? null;
  const lastPipelineChange = [...current].reverse().find((c) => isPipeline(c.to));
  return { status, lastPipeline: lastPipelineChange && isPipeline(lastPipelineChange.to) ? lastPipelineChange.to : null };
}

export function isWorkStatus(value: unknown): value is WorkStatus {
  return typeof value === 'string' && (WORK_STATUSES as readonly string[]).includes(value);
}
