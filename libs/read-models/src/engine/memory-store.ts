import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { computeRun, type DeadLetterRecord, type EngineInput, type ProjectionEngine, type ProjectionSource, type RowLoadRequest, type RunResult, type StreamProgress } from './engine.js';
import type { Row } from './projection.js';
import type { RowVersion } from './stream-view.js';

/** A stored row version, as the Postgres tables hold it. */
export interface StoredVersion {
  stream: string;
  key: string;
  row: Row;
  validFrom: number;
  validTo: number | null;
}

/**
 * The engine's store kept in memory: the same versions the Postgres store writes, for unit and property tests of the
 * read models (given events, then rows) without a database.
 */
export class MemoryProjectionStore implements ProjectionSource {
  readonly progress = new Map<string, StreamProgress>();
  readonly versions = new Map<string, StoredVersion[]>();
  readonly deadLetters: DeadLetterRecord[] = [];

  constructor(readonly engine: ProjectionEngine) {
    for (const table of engine.tables) this.versions.set(table.name, []);
  }

  async loadProgress(streams: readonly { id: string }[]): Promise<Map<string, StreamProgress>> {
    const found = new Map<string, StreamProgress>();
    for (const { id } of streams) {
      const progress = this.progress.get(id);
      if (progress) found.set(id, progress);
    }
    return found;
  }

  async loadRows(requests: readonly RowLoadRequest[]): Promise<Map<string, { stream: string; key: string; row: Record<string, unknown> }[]>> {
    const result = new Map<string, { stream: string; key: string; row: Record<string, unknown> }[]>();
    for (const request of requests) {
      const rows = this.tableVersions(request.table).filter(
        (v) => v.validTo === null && (request.wholeStreams.has(v.stream) || request.keys.get(v.stream)?.has(v.key) === true),
      );
      result.set(request.table, rows.map((v) => ({ stream: v.stream, key: v.key, row: structuredClone(v.row) as Record<string, unknown> })));
    }
    return result;
  }

  /** Applies a run of messages and stores what it changed (as the projector's transaction would). */
  async applyRun(inputs: readonly EngineInput[]): Promise<RunResult> {
    const result = await computeRun(this.engine, this, inputs);
    this.write(result);
    return result;
  }

  /** Applies published events in runs of `runSize` (1: one by one). */
  async applyEvents(events: readonly PublishedEvent[], runSize = events.length || 1): Promise<void> {
    for (let start = 0; start < events.length; start += runSize) {
      await this.applyRun(events.slice(start, start + runSize).map((value) => ({ value: structuredClone(value) })));
    }
  }

  write(result: RunResult): void {
    for (const closing of result.writes.closings) {
      const open = this.tableVersions(closing.table).find((v) => v.stream === closing.stream && v.key === closing.key && v.validTo === null);
      if (!open) throw new Error(`closing ${closing.table} ${closing.stream}/${closing.key}, which is not open`);
      open.validTo = closing.validTo;
    }
    for (const version of result.writes.inserts) {
      // As the partial unique index does in Postgres: a put of a key the handler did not declare it reads, while the
      // store has that row open, would leave two open versions — the write is refused instead of the history forked.
      const versions = this.tableVersions(version.table);
      if (versions.some((v) => v.stream === version.stream && v.key === version.key && v.validTo === null)) {
        throw new Error(`${version.table} ${version.stream}/${version.key} is already open: the handler put it without declaring it reads it`);
      }
      versions.push(toStored(version));
    }
    for (const [streamId, progress] of result.progress) this.progress.set(streamId, progress);
    this.deadLetters.push(...result.deadLetters);
  }

  /** The rows of `table` true at `position` (the open ones without it), ordered by stream and key. */
  rowsAt(table: string, position?: number): { stream: string; key: string; row: Row }[] {
    return this.tableVersions(table)
      .filter((v) => (position === undefined ? v.validTo === null : v.validFrom <= position && (v.validTo === null || v.validTo > position)))
      .map(({ stream, key, row }) => ({ stream, key, row }))
      .sort((a, b) => (a.stream === b.stream ? compare(a.key, b.key) : compare(a.stream, b.stream)));
  }

  private tableVersions(table: string): StoredVersion[] {
    const versions = this.versions.get(table);
    if (!versions) throw new Error(`no read-model table ${table}`);
    return versions;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toStored(version: RowVersion): StoredVersion {
  return { stream: version.stream, key: version.key, row: structuredClone(version.row), validFrom: version.validFrom, validTo: version.validTo };
}
