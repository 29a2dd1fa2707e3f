import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import type { DeadLetterRecord, ProjectionEngine, StreamProgress } from '../engine/engine.js';
import { StreamView, type RowVersion, type RowWrites } from '../engine/stream-view.js';

/** What a rebuild writes for one stream: every row version it ever had, its progress, its dead letters. */
export interface FoldedStream {
  streamId: string;
  versions: readonly RowVersion[];
  progress: StreamProgress | undefined;
  deadLetters: readonly DeadLetterRecord[];
  applied: number;
  skipped: number;
  deadLettered: number;
}

/**
 * A rebuild's fold: the log read stream by stream (every event of a stream, in version order, before the next
 * stream's), each stream stepped through the engine from nothing — the same rule and handlers as the live projector,
 * so it computes the same versions — and handed on whole when the next stream starts. It holds one stream at a time.
 */
export class StreamByStreamFold {
  private current: { streamId: string; view: StreamView; writes: RowWrites; progress?: StreamProgress; deadLetters: DeadLetterRecord[]; applied: number; skipped: number; deadLettered: number } | undefined;

  constructor(
    private readonly engine: ProjectionEngine,
    private readonly onStream: (stream: FoldedStream) => void,
  ) {}

  add(event: PublishedEvent): void {
    if (this.current && this.current.streamId !== event.streamId) this.finish();
    if (!this.current) {
      const writes: RowWrites = { inserts: [], closings: [] };
      this.current = { streamId: event.streamId, writes, view: new StreamView(event.streamId, writes, true), deadLetters: [], applied: 0, skipped: 0, deadLettered: 0 };
    }
    const stream = this.current;
    const prepared = this.engine.prepare({ value: event });
    if (prepared.kind === 'rejected') {
      stream.deadLetters.push(prepared.deadLetter);
      stream.deadLettered += 1;
      return;
    }
    const step = this.engine.step(stream.progress, stream.view, prepared);
    if (step.progress) stream.progress = step.progress;
    if (step.deadLetter) stream.deadLetters.push(step.deadLetter);
    if (step.outcome.outcome === 'applied') stream.applied += 1;
    else if (step.outcome.outcome === 'skipped') stream.skipped += 1;
    else stream.deadLettered += 1;
  }

  /** Hands on the stream being folded (call at the end of the log). */
  finish(): void {
    const stream = this.current;
    if (!stream) return;
    this.current = undefined;
    if (stream.writes.closings.length) throw new Error(`a rebuild of ${stream.streamId} closed rows it never opened`);
    this.onStream({
      streamId: stream.streamId,
      versions: stream.writes.inserts,
      progress: stream.progress,
      deadLetters: stream.deadLetters,
      applied: stream.applied,
      skipped: stream.skipped,
      deadLettered: stream.deadLettered,
    });
  }
}
