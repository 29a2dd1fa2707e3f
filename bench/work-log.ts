/**
 * A log of work streams written straight to the event store, for benches that need many events fast (bench/as-of.ts,
 * the pipeline's row on works of 1,000 events): works registered, then edited with dated milestones, round after
 * round, so every work's history runs through the whole log (as a desk's edits do) rather than sitting in one block.
 *
 * Events are real domain events: the work decider decides each of them. A milestone is decided on the work's state
 * just after its registration — what the decider reads for a milestone is only whether the work is live and whether
 * the same milestone (kind, label, date) or id is already there, and every label here is new — so the events are
 * those the decider gives on the whole state, without holding 1,000 events of state per work in the bench's memory.
 */
import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '../libs/event-store/src/postgres-event-store.js';
import type { EventToAppend, StreamAppend } from '../libs/event-store/src/event-store.types.js';
import { toEventsForAppend, workDecider, type DomainEvent } from '../libs/domain/src/index.js';
import type { WorkState } from '../libs/domain/src/work/work.state.js';
import { log, nowMs, round } from './support.js';

const SOURCE = { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' };
const ENVELOPE = { actor: { id: 'editor-7', role: 'editor' as const }, correlationId: randomUUID(), causationId: randomUUID() };

interface LogWork {
  workId: string;
  /** The state right after registration (what a milestone is decided on). */
  registered: WorkState | undefined;
  version: number;
}

export class WorkLog {
  readonly works: LogWork[] = [];

  constructor(count: number, private readonly title = 'Bench') {
    for (let i = 0; i < count; i++) this.works.push({ workId: randomUUID(), registered: undefined, version: 0 });
  }

  /** The next `n` events of work `index` (its registration first), as the event store takes them. */
  next(index: number, n: number): StreamAppend {
    const work = this.works[index]!;
    const expectedVersion = work.version === 0 ? ('no-stream' as const) : work.version;
    const ctx = { now: new Date(), newId: randomUUID };
    const decided: DomainEvent[] = [];
    for (let k = 0; k < n; k++) {
      if (work.version === 0) {
        const [event] = workDecider.decide(
          { type: 'RegisterWork', data: { workId: work.workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], productionYear: 2003, titles: [{ text: `${this.title} ${index}`, language: 'en', class: 'original', primary: true }], status: 'announced', source: SOURCE } } as never,
          workDecider.initialState(),
          ctx,
        ) as DomainEvent[];
        work.registered = workDecider.evolve(workDecider.initialState(), event as never);
        decided.push(event!);
      } else {
        const [event] = workDecider.decide(
          { type: 'RecordMilestone', data: { workId: work.workId, label: `Milestone ${work.version}`, kind: 'rights-acquired', date: { date: `${2000 + (work.version % 25)}-${String(1 + (work.version % 12)).padStart(2, '0')}`, precision: 'month' }, source: SOURCE } } as never,
          work.registered!,
          ctx,
        ) as DomainEvent[];
        decided.push(event!);
      }
      work.version += 1;
    }
    return { stream: { id: `work-${work.workId}`, type: 'work' }, expectedVersion, events: toEventsForAppend(decided, ENVELOPE) as EventToAppend[] };
  }
}

/**
 * Appends `works.length × eventsPerWork` events: rounds of `perRound` events per work (the first round starts with
 * each work's registration), each round in appendMany calls of ≈`perCall` events (one transaction each), `inFlight`
 * calls at a time (the store's group commit). Returns the seconds it took.
 */
export async function appendWorkLog(
  store: PostgresEventStore,
  works: WorkLog,
  eventsPerWork: number,
  options: { perRound?: number; perCall?: number; inFlight?: number; label?: string; progressEvery?: number } = {},
): Promise<number> {
  const perRound = Math.max(1, Math.min(options.perRound ?? 5, eventsPerWork));
  const worksPerCall = Math.max(1, Math.floor((options.perCall ?? 1000) / perRound));
  const inFlight = options.inFlight ?? 2;
  const total = works.works.length * eventsPerWork;
  const started = nowMs();
  let done = 0;
  let nextReport = options.progressEvery ?? 100_000;
  for (let appended = 0; appended < eventsPerWork; appended += perRound) {
    const n = Math.min(perRound, eventsPerWork - appended);
    // Each call's events are decided when a caller takes it, so only the calls in flight are in memory.
    let nextStart = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (nextStart < works.works.length) {
          const start = nextStart;
          nextStart += worksPerCall;
          const call: StreamAppend[] = [];
          for (let i = start; i < Math.min(works.works.length, start + worksPerCall); i++) call.push(works.next(i, n));
          await store.appendMany(call);
          done += call.reduce((sum, c) => sum + c.events.length, 0);
          if (done >= nextReport) {
            log(`${options.label ?? 'work log'}: ${done} of ${total} events stored (${round(done / ((nowMs() - started) / 1000))} events/s)`);
            nextReport += options.progressEvery ?? 100_000;
          }
        }
      }),
    );
  }
  return (nowMs() - started) / 1000;
}
