import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIdFor } from '../../../../libs/contracts/src/streams.js';
import { decideWorkMove, toEventsForAppend, workMoveStreams, type WorkMoveCommand } from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, type StreamAppend } from '../../../../libs/event-store/src/index.js';
import { Confidentiality, type SealPlan } from '../confidential/confidentiality.js';
import type { CommandContext } from '../shared/command-context.js';
import { AGGREGATES, foldState } from './aggregate-catalog.js';
import { outcomeOf, type CommandOutcome } from './command-outcome.js';
import { inSpan } from '../../../../libs/telemetry/src/trace-context.js';
import { appendAttributes, assertEditedVersion, assertReferencesExist, decideAttributes, envelopeOf, idempotencyOf } from './execute-command.js';
import { FirstAnswers } from './first-answers.js';
import { StreamStateCache } from './stream-state-cache.js';
import { StreamTurns } from './stream-turns.js';

/** A credit or attachment stated on the wrong work, moved to the right one: one correction, two streams, one transaction. */
export class MoveWorkFact {
  constructor(
    readonly command: WorkMoveCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(MoveWorkFact)
export class MoveWorkFactHandler implements ICommandHandler<MoveWorkFact, CommandOutcome> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly cache: StreamStateCache,
    private readonly turns: StreamTurns,
    private readonly firstAnswers: FirstAnswers,
    private readonly confidentiality: Confidentiality,
  ) {}

  execute({ command: requested, context }: MoveWorkFact): Promise<CommandOutcome> {
    const { data, plan } = this.confidentiality.split('work', requested.type, requested.data as unknown as Record<string, unknown>);
    const command = { ...requested, data } as unknown as WorkMoveCommand;
    const { sourceWorkId, targetWorkId } = workMoveStreams(command);
    // The answer names the work in the URL, which the Idempotency-Key's fingerprint includes: a replay has the same one.
    return this.firstAnswers.once(
      context,
      (stored) => outcomeOf('work', sourceWorkId, stored, true),
      async () => {
        await assertReferencesExist(this.store, command.data as unknown as Record<string, unknown>, 'workId');
        const sourceStream = streamIdFor('work', sourceWorkId);
        const targetStream = streamIdFor('work', targetWorkId);
        return this.turns.run([sourceStream, targetStream], () => this.moveInTurn(command, context, sourceWorkId, sourceStream, targetStream, plan));
      },
    );
  }

  /** With both works' turns held: read both, decide, append to both in one transaction. */
  private async moveInTurn(command: WorkMoveCommand, context: CommandContext, sourceWorkId: string, sourceStream: string, targetStream: string, plan: SealPlan): Promise<CommandOutcome> {
    const [sourceEvents, targetEvents] = await Promise.all([this.store.readStream(sourceStream), this.store.readStream(targetStream)]);
    const sourceState = foldState(AGGREGATES.work, sourceEvents);
    const targetState = foldState(AGGREGATES.work, targetEvents);
    // If-Match refers to the work in the URL: the one the editor is correcting.
    assertEditedVersion(sourceStream, sourceState.version, context);

    const decided = await inSpan('decide', { attributes: decideAttributes(command.type, sourceStream, sourceState.version) }, () =>
      decideWorkMove(command, sourceState as never, targetState as never, { now: new Date(), newId: randomUUID }),
    );
    const versions = new Map([
      [sourceStream, sourceState.version],
      [targetStream, targetState.version],
    ]);
    const envelope = envelopeOf(context);
    const parts: StreamAppend[] = await Promise.all(
      decided.map(async (part): Promise<StreamAppend> => ({
        stream: { id: part.streamId, type: 'work' },
        expectedVersion: versions.get(part.streamId) || 'no-stream',
        events: await this.confidentiality.seal(toEventsForAppend(part.events, envelope), plan, part.streamId),
      })),
    );
    const results = await inSpan('append', { attributes: appendAttributes(`${sourceStream},${targetStream}`, parts.flatMap((part) => part.events)) }, () =>
      this.store.appendMany(parts, idempotencyOf(context)),
    );
    // Moves are rare: rather than fold both streams forward, let the next edit of either read it from the store.
    this.cache.forget(sourceStream);
    this.cache.forget(targetStream);
    return outcomeOf('work', sourceWorkId, results, results.some((result) => result.replayed));
  }
}
