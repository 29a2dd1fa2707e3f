import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { FoldedState } from './aggregate-catalog.js';

export type CachedState = FoldedState & Record<string, unknown>;

/**
 * The folded state of recently edited streams, least recently used dropped first. A remembered state is only a guess
 * at the stream's current state: another admin-api instance may have written since. The command handler therefore
 * appends with the remembered version as the expected version and lets the database refuse a stale guess; nothing is
 * answered from this cache that the store has not confirmed (see ExecuteDomainCommandHandler).
 *
 * The states are immutable (evolve returns a new state, never changes the one it is given), so a remembered state can
 * be handed to any number of commands and folded on from without copying it first.
 */
export class StreamStateCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used entry first.
  private readonly entries = new Map<string, CachedState>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`stream state cache capacity must be a whole number ≥ 0, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(streamId: string): CachedState | undefined {
    const state = this.entries.get(streamId);
    if (state) {
      this.entries.delete(streamId);
      this.entries.set(streamId, state);
    }
    return state;
  }

  /**
   * Keeps `state` unless a later version of the stream is already kept: a slow read finishing after a faster command's
   * append must not replace the newer state with an older one.
   */
  remember(streamId: string, state: CachedState): void {
    if (this.capacity === 0 || state.version === 0) return;
    const known = this.entries.get(streamId);
    if (known && known.version >= state.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, state);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }
}

/** One cache per process, shared by the command handlers of every aggregate. */
@Global()
@Module({})
export class StreamStateCacheModule {
  static forRoot(capacity: number): DynamicModule {
    return { module: StreamStateCacheModule, providers: [{ provide: StreamStateCache, useValue: new StreamStateCache(capacity) }], exports: [StreamStateCache] };
  }
}
