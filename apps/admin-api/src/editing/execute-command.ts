import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIdFor, type AggregateType } from '../../../../libs/contracts/src/streams.js';
import { DomainValidationError, toEventsForAppend, type Command } from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, WrongExpectedVersionError, type AppendResult } from '../../../../libs/event-store/src/index.js';
import type { CommandContext } from '../shared/command-context.js';
import { AGGREGATES, foldState } from './aggregate-catalog.js';
import { outcomeOf, type CommandOutcome } from './command-outcome.js';
import { findReferences, missingReferences } from './references.js';

/** Run one domain command against one aggregate's stream. */
export class ExecuteDomainCommand {
  constructor(
    readonly aggregate: AggregateType,
    readonly command: Command<string, Record<string, unknown>>,
    readonly context: CommandContext,
  ) {}
}

/**
 * The write path of architecture.md: replay the stream, decide, append with the version the decision was based on.
 * A concurrent edit between read and append makes the append fail with a conflict instead of overwriting.
 */
@CommandHandler(ExecuteDomainCommand)
export class ExecuteDomainCommandHandler implements ICommandHandler<ExecuteDomainCommand, CommandOutcome> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ aggregate, command, context }: ExecuteDomainCommand): Promise<CommandOutcome> {
    const definition = AGGREGATES[aggregate];
    const id = String(command.data[definition.idField]);
    const earlier = await replayIfRetried(this.store, aggregate, id, context);
    if (earlier) return earlier;

    await assertReferencesExist(this.store, command.data, definition.idField);
    const streamId = streamIdFor(aggregate, id);
    const state = foldState(definition, await this.store.readStream(streamId));
    assertEditedVersion(streamId, state.version, context);

    const decided = definition.decider.decide(command, state, { now: new Date(), newId: randomUUID });
    const events = toEventsForAppend(decided, envelopeOf(context));
    const result = await this.store.append({ id: streamId, type: aggregate }, state.version === 0 ? 'no-stream' : state.version, events, idempotencyOf(context));
    return outcomeOf(aggregate, id, [result], result.replayed);
  }
}

export function envelopeOf(context: CommandContext) {
  return {
    actor: { id: context.principal.id, role: context.principal.role },
    correlationId: context.correlationId,
    // Each HTTP request is one command; its correlation id doubles as the command id that caused the events.
    causationId: context.commandId,
  };
}

export function idempotencyOf(context: CommandContext) {
  return context.idempotencyKey ? { idempotency: { key: context.idempotencyKey, fingerprint: context.fingerprint } } : undefined;
}

/** A retried request answers with what was recorded the first time, before deciding again (which would refuse). */
export async function replayIfRetried(store: PostgresEventStore, aggregate: string, id: string, context: CommandContext): Promise<CommandOutcome | undefined> {
  if (!context.idempotencyKey) return undefined;
  const earlier: AppendResult[] | undefined = await store.findIdempotentResult(context.idempotencyKey, context.fingerprint);
  return earlier ? outcomeOf(aggregate, id, earlier, true) : undefined;
}

/** If-Match: the editor saw version N; anything else recorded since means they would overwrite unseen changes. */
export function assertEditedVersion(streamId: string, currentVersion: number, context: CommandContext): void {
  if (context.expectedVersion !== undefined && context.expectedVersion !== currentVersion) {
    throw new WrongExpectedVersionError(streamId, context.expectedVersion, currentVersion);
  }
}

export async function assertReferencesExist(store: PostgresEventStore, data: Record<string, unknown>, ownIdField: string): Promise<void> {
  const references = findReferences(data, ownIdField);
  if (references.length === 0) return;
  const existing = await store.existingStreams([...new Set(references.map((reference) => streamIdFor(reference.aggregate, reference.id)))]);
  const missing = missingReferences(references, existing);
  if (missing.length > 0) throw new DomainValidationError(missing);
}
