import { randomUUID } from 'node:crypto';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { toEventsForAppend, workDecider, type DomainEvent } from '../libs/domain/src/index.js';
import type { WorkState } from '../libs/domain/src/work/work.state.js';

const SOURCE = { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' };
const ENVELOPE = { actor: { id: 'editor-7', role: 'editor' as const }, correlationId: randomUUID(), causationId: randomUUID() };

/**
 * Live-like work streams for the projector benches: each decides its next event on demand with the work decider (its
 * registration, then dated milestones, each with its own label), published with its version and a global position,
 * as the relay would publish it.
 */
export class BenchWorks {
  private readonly works: { workId: string; state: WorkState; version: number }[] = [];
  private position = 0;

  /**
   * `sameDate`: every milestone dated 2018-05 (the admin API benches' typical edit, bench/admin-api-requests.ts), so
   * every one becomes the card's latest milestone — the same rows change whatever a work's history. By default the
   * dates cycle over 2010–2024, so a milestone changes the card on a work's first 15 milestones, then once in 15.
   */
  constructor(count: number, private readonly options: { sameDate?: boolean } = {}) {
    for (let i = 0; i < count; i++) this.works.push({ workId: randomUUID(), state: workDecider.initialState(), version: 0 });
  }

  get count(): number {
    return this.works.length;
  }

  /** The next `perWork` events of every work, round robin (event k of every work before event k + 1 of any). */
  round(perWork: number): PublishedEvent[] {
    const events: PublishedEvent[] = [];
    for (let k = 0; k < perWork; k++) for (let i = 0; i < this.works.length; i++) events.push(this.next(i));
    return events;
  }

  /** The next event of work `index`. */
  next(index: number): PublishedEvent {
    const work = this.works[index]!;
    const command =
      work.version === 0
        ? { type: 'RegisterWork', data: { workId: work.workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], productionYear: 2003, titles: [{ text: `Bench ${index}`, language: 'en', class: 'original', primary: true }], status: 'announced', source: SOURCE } }
        : { type: 'RecordMilestone', data: { workId: work.workId, label: `Remake rights acquired #${work.version}`, kind: 'rights-acquired', date: { date: this.options.sameDate ? '2018-05' : `20${10 + (work.version % 15)}-05`, precision: 'month' }, source: SOURCE } };
    const [event] = workDecider.decide(command as never, work.state, { now: new Date(), newId: randomUUID }) as DomainEvent[];
    work.state = workDecider.evolve(work.state, event as never);
    work.version += 1;
    this.position += 1;
    const [stored] = toEventsForAppend([event!], ENVELOPE);
    const recordedAt = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: event!.type,
      schemaVersion: 1,
      streamId: `work-${work.workId}`,
      streamType: 'work',
      streamVersion: work.version,
      globalPosition: String(this.position),
      recordedAt,
      data: event!.data as Record<string, unknown>,
      metadata: { ...(stored!.metadata as Record<string, unknown>), recordedAt },
    } as unknown as PublishedEvent;
  }
}
