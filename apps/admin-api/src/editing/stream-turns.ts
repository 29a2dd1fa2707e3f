import { Injectable } from '@nestjs/common';

/**
 * Commands of this process on the same stream take turns: each one decides on the state the one before it left.
 *
 * Without turns, two editors adding different milestones to one work at the same moment both decide on version N;
 * the store refuses the second append (expected N, found N+1), the handler reads the stream and decides again, and
 * a third concurrent edit can make that retry fail too: a 409 to an editor who never sent If-Match. With turns, only
 * edits made through another admin-api instance can conflict. Commands on different streams still run side by side.
 *
 * A command takes all its streams at once when it arrives, so it waits only for commands that arrived before it on
 * any of them: no two commands can wait for each other.
 */
@Injectable()
export class StreamTurns {
  /** Per stream, the end of the turn of the last command that took it. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const streams = [...new Set(streamIds)];
    let end!: () => void;
    const turn = new Promise<void>((resolve) => (end = resolve));
    const before = streams.map((streamId) => {
      const previous = this.tails.get(streamId);
      this.tails.set(streamId, turn);
      return previous;
    });
    try {
      await Promise.all(before);
      return await work();
    } finally {
      end();
      for (const streamId of streams) if (this.tails.get(streamId) === turn) this.tails.delete(streamId);
    }
  }

  /** Streams some command holds or waits for. */
  get size(): number {
    return this.tails.size;
  }
}
