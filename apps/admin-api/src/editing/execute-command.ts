import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseStreamId, streamIdFor, type AggregateType } from '../../../../libs/contracts/src/streams.js';
import { DomainError, DomainValidationError, toEventsForAppend, type Command } from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, WrongExpectedVersionError, type AppendOptions, type AppendResult } from '../../../../libs/event-store/src/index.js';
import { Confidentiality, type SealPlan } from '../confidential/confidentiality.js';
import type { CommandContext } from '../shared/command-context.js';
import { AGGREGATES, foldState, type AggregateDefinition } from './aggregate-catalog.js';
import { outcomeOf, type CommandOutcome, type DemotedTextOf } from './command-outcome.js';
import { FirstAnswers } from './first-answers.js';
import { LikelyDuplicates } from './likely-duplicates.js';
import { findReferences, missingReferences } from './references.js';
import { inSpan, traceCarrierOf } from '../../../../libs/telemetry/src/trace-context.js';
import { StreamStateCache, type CachedState } from './stream-state-cache.js';
import { StreamTurns } from './stream-turns.js';

/** Run one domain command against one aggregate's stream. */
export class ExecuteDomainCommand {
  constructor(
    readonly aggregate: AggregateType,
    readonly command: Command<string, Record<string, unknown>>,
    readonly context: CommandContext,
    /**
     * Work that must happen only when this request is the one that records (not for a replayed or refused
     * Idempotency-Key), before the command is decided; its answer is added to the command's data.
     */
    readonly beforeDeciding?: () => Promise<Record<string, unknown>>,
  ) {}
}

/**
 * The write path of architecture.md: the stream's state, decide, append with the version the decision was based on. A
 * concurrent edit between read and append makes the append fail with a conflict instead of overwriting.
 *
 * The state comes from the StreamStateCache when this instance has it (no read, no fold) and from the store otherwise.
 * A cached state may be stale (another admin-api instance wrote since), so it is only trusted when the database
 * confirms it: the append's expected version is the cached version. Every answer that depends on the state and is
 * not a successful append — a conflict, an If-Match mismatch, a business rule's refusal — is never given from the
 * cache: the entry is dropped and the command decided once more on the stream read from the store, whose answer
 * stands (a conflict then is a real concurrent edit and answers 409 as before).
 *
 * Commands of this instance on one stream take turns (StreamTurns), so the edits that can conflict are those made
 * through another instance, or an If-Match naming a version the editor saw before someone else's edit.
 *
 * With an Idempotency-Key, FirstAnswers makes every request with the key get the first one's answer. A registration
 * is first checked for a likely duplicate (LikelyDuplicates).
 */
@CommandHandler(ExecuteDomainCommand)
export class ExecuteDomainCommandHandler implements ICommandHandler<ExecuteDomainCommand, CommandOutcome> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly cache: StreamStateCache,
    private readonly turns: StreamTurns,
    private readonly firstAnswers: FirstAnswers,
    private readonly confidentiality: Confidentiality,
    private readonly duplicates: LikelyDuplicates,
  ) {}

  execute({ aggregate, command: requested, context, beforeDeciding }: ExecuteDomainCommand): Promise<CommandOutcome> {
    const definition = AGGREGATES[aggregate];
    const id = String(requested.data[definition.idField]);
    return this.firstAnswers.once(
      context,
      (stored) => outcomeOfOneStream(aggregate, stored, true, this.demotedTextOf(definition)),
      async () => {
        const { data, plan } = this.confidentiality.split(aggregate, requested.type, requested.data);
        // Inside FirstAnswers: a retry of a registration that was recorded gets its answer, not its own record as a candidate.
        // Before beforeDeciding, whose work (destroying keys) cannot be undone by a refusal.
        await this.duplicates.assertNoneUnconfirmed(requested.type, data);
        const command = { ...requested, data: beforeDeciding ? { ...data, ...(await beforeDeciding()) } : data };
        await assertReferencesExist(this.store, command.data, definition.idField);
        const streamId = streamIdFor(aggregate, id);
        return this.turns.run([streamId], () => this.decideInTurn(definition, id, streamId, command, context, plan));
      },
    );
  }

  /** With the stream's turn held: the cached state, else (or if the store refuses it) the stored one. */
  private async decideInTurn(
    definition: AggregateDefinition,
    id: string,
    streamId: string,
    command: ExecuteDomainCommand['command'],
    context: CommandContext,
    plan: SealPlan,
  ): Promise<CommandOutcome> {
    const cached = this.cache.get(streamId);
    if (cached) {
      try {
        return await this.decideAndAppend(definition, id, streamId, cached, command, context, plan);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError || error instanceof DomainError)) throw error;
        this.cache.forget(streamId);
      }
    }
    const state = foldState(definition, await this.store.readStream(streamId));
    this.cache.remember(streamId, state);
    try {
      return await this.decideAndAppend(definition, id, streamId, state, command, context, plan);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) this.cache.forget(streamId);
      throw error;
    }
  }

  private async decideAndAppend(
    definition: AggregateDefinition,
    id: string,
    streamId: string,
    state: CachedState,
    command: ExecuteDomainCommand['command'],
    context: CommandContext,
    plan: SealPlan,
  ): Promise<CommandOutcome> {
    assertEditedVersion(streamId, state.version, context);
    const decided = await inSpan('decide', { attributes: decideAttributes(command.type, streamId, state.version) }, () =>
      definition.decider.decide(command, state, { now: new Date(), newId: randomUUID }),
    );
    const events = await this.confidentiality.seal(toEventsForAppend(decided, envelopeOf(context)), plan, streamId);
    const result = await inSpan('append', { attributes: appendAttributes(streamId, events) }, async (span) => {
      const appended = await this.store.append({ id: streamId, type: definition.type }, state.version === 0 ? 'no-stream' : state.version, events, idempotencyOf(context));
      span.setAttribute('reelwire.replayed', appended.replayed);
      if (appended.events.length > 0) span.setAttribute('reelwire.global_position', appended.events[appended.events.length - 1]!.globalPosition);
      return appended;
    });
    if (result.replayed) {
      // A concurrent request with the same Idempotency-Key recorded first: our decision was not what got stored.
      this.cache.forget(streamId);
    } else {
      // What was appended is what a read would return (the store answers with the stored, upcast events).
      this.cache.remember(streamId, foldState(definition, result.events, state));
    }
    return outcomeOfOneStream(definition.type, [result], result.replayed, this.demotedTextOf(definition, state));
  }

  /**
   * The text of a demoted title or name: from the state the command was decided on when the events follow it (the
   * first answer), else from the stream read up to just before them (a replayed answer).
   */
  private demotedTextOf(definition: AggregateDefinition, decidedOn?: CachedState): DemotedTextOf {
    return async (streamId, beforeVersion, fact) => {
      const state = decidedOn?.version === beforeVersion ? decidedOn : foldState(definition, await this.store.readStream(streamId, { toVersion: beforeVersion }));
      const candidates = (fact.type === 'title' ? state.titles : state.names) as { titleId?: string; nameId?: string; text: string; language?: string }[] | undefined;
      const found = candidates?.find((candidate) => (candidate.titleId ?? candidate.nameId) === fact.id);
      return found && { text: found.text, ...(found.language ? { language: found.language } : {}) };
    };
  }
}

/**
 * The answer of a command on one stream, whose id is the stream's: on a replay that is the id the first request
 * recorded, not the one this request would have made (a create without a client-chosen id makes a new one each time).
 */
function outcomeOfOneStream(aggregate: string, results: AppendResult[], replayed: boolean, demotedTextOf: DemotedTextOf): Promise<CommandOutcome> {
  const recorded = parseStreamId(results[0]!.streamId);
  if (!recorded) throw new Error(`stream ${results[0]!.streamId} does not name its aggregate's id`);
  return outcomeOf(aggregate, recorded.id, results, replayed, demotedTextOf);
}

export function envelopeOf(context: CommandContext) {
  return {
    // Readers may not write (CanWrite), so a writer's role is always one the envelope's Actor knows.
    actor: { id: context.principal.id, role: context.principal.role as Exclude<typeof context.principal.role, 'reader'> },
    correlationId: context.correlationId,
    // Each HTTP request is one command; its correlation id doubles as the command id that caused the events.
    causationId: context.commandId,
    // The request's span (when traced) rides with each event to the relay and on to Kafka's consumers.
    ...traceCarrierOf(),
  };
}

export function decideAttributes(commandType: string, streamId: string, version: number) {
  return { 'reelwire.command': commandType, 'reelwire.stream_id': streamId, 'reelwire.stream_version': version };
}

export function appendAttributes(streamId: string, events: readonly { type: string }[]) {
  return { 'reelwire.stream_id': streamId, 'reelwire.event_types': events.map((event) => event.type).join(','), 'reelwire.event_count': events.length };
}

export function idempotencyOf(context: CommandContext): AppendOptions | undefined {
  return context.idempotency ? { idempotency: { key: context.idempotency.key, fingerprint: context.idempotency.fingerprint } } : undefined;
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
