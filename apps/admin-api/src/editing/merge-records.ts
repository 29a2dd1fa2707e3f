import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIdFor } from '../../../../libs/contracts/src/streams.js';
import {
  decideOrganizationMerge,
  decidePersonMerge,
  organizationMergeStreams,
  personMergeStreams,
  decideWorkMerge,
  workMergeStreams,
  type WorkMergeCommand,
  toEventsForAppend,
  type OrganizationMergeCommand,
  type PersonMergeCommand,
  type StreamEvents,
} from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, type StreamAppend } from '../../../../libs/event-store/src/index.js';
import { Confidentiality, type SealPlan } from '../confidential/confidentiality.js';
import type { CommandContext } from '../shared/command-context.js';
import { AGGREGATES, foldState } from './aggregate-catalog.js';
import { outcomeOf, type CommandOutcome } from './command-outcome.js';
import { assertEditedVersion, envelopeOf, idempotencyOf } from './execute-command.js';
import { FirstAnswers } from './first-answers.js';
import { StreamStateCache } from './stream-state-cache.js';
import { StreamTurns } from './stream-turns.js';

export type MergeableAggregate = 'person' | 'organization' | 'work';
export type MergeCommand = PersonMergeCommand | OrganizationMergeCommand | WorkMergeCommand;

interface MergeDecider {
  streams(command: MergeCommand, duplicate: never): { duplicateId: string; survivorId: string };
  decide(command: MergeCommand, duplicate: never, survivor: never, context: { now: Date; newId(): string }): [StreamEvents<unknown>, StreamEvents<unknown>];
}

const MERGE_DECIDERS: Record<MergeableAggregate, MergeDecider> = {
  person: { streams: personMergeStreams as MergeDecider['streams'], decide: decidePersonMerge as MergeDecider['decide'] },
  organization: { streams: organizationMergeStreams as MergeDecider['streams'], decide: decideOrganizationMerge as MergeDecider['decide'] },
  work: { streams: workMergeStreams as MergeDecider['streams'], decide: decideWorkMerge as MergeDecider['decide'] },
};

/**
 * Two records of one person, company or work found to be the same, merged (or the merge undone): one decision, two
 * streams, one transaction — as a move between works. The duplicate is the record in the URL; the answer names it,
 * and `streams` gives both new versions.
 */
export class MergeRecords {
  constructor(
    readonly aggregate: MergeableAggregate,
    readonly command: MergeCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(MergeRecords)
export class MergeRecordsHandler implements ICommandHandler<MergeRecords, CommandOutcome> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly cache: StreamStateCache,
    private readonly turns: StreamTurns,
    private readonly firstAnswers: FirstAnswers,
    private readonly confidentiality: Confidentiality,
  ) {}

  execute({ aggregate, command: requested, context }: MergeRecords): Promise<CommandOutcome> {
    // A merge may cite a confidential source: sealed in both halves, as a move's.
    const { data, plan } = this.confidentiality.split(aggregate, requested.type, requested.data as unknown as Record<string, unknown>);
    const command = { ...requested, data } as unknown as MergeCommand;
    const duplicateId = (command.data as unknown as Record<string, string>)[AGGREGATES[aggregate].idField]!;
    return this.firstAnswers.once(
      context,
      (stored) => outcomeOf(aggregate, duplicateId, stored, true),
      async () => {
        // An undo names only the duplicate: its survivor (the second stream to take a turn on) is in its state.
        const duplicateStream = streamIdFor(aggregate, duplicateId);
        const { survivorId } = MERGE_DECIDERS[aggregate].streams(command, this.fold(aggregate, await this.store.readStream(duplicateStream)) as never);
        const survivorStream = streamIdFor(aggregate, survivorId);
        return this.turns.run([duplicateStream, survivorStream], () => this.mergeInTurn(aggregate, command, context, duplicateId, duplicateStream, survivorStream, plan));
      },
    );
  }

  private fold(aggregate: MergeableAggregate, events: Parameters<typeof foldState>[1]) {
    return foldState(AGGREGATES[aggregate], events);
  }

  /** With both records' turns held: read both, decide, append to both in one transaction. */
  private async mergeInTurn(
    aggregate: MergeableAggregate,
    command: MergeCommand,
    context: CommandContext,
    duplicateId: string,
    duplicateStream: string,
    survivorStream: string,
    plan: SealPlan,
  ): Promise<CommandOutcome> {
    const [duplicateEvents, survivorEvents] = await Promise.all([this.store.readStream(duplicateStream), this.store.readStream(survivorStream)]);
    const duplicate = this.fold(aggregate, duplicateEvents);
    const survivor = this.fold(aggregate, survivorEvents);
    // If-Match refers to the record in the URL: the duplicate the editor is merging (or unmerging).
    assertEditedVersion(duplicateStream, duplicate.version, context);
    const decided = MERGE_DECIDERS[aggregate].decide(command, duplicate as never, survivor as never, { now: new Date(), newId: randomUUID });
    const versions = new Map([
      [duplicateStream, duplicate.version],
      [survivorStream, survivor.version],
    ]);
    const envelope = envelopeOf(context);
    const parts = await Promise.all(
      decided.map(async (part): Promise<StreamAppend> => {
        const version = versions.get(part.streamId);
        // The decision is for the streams whose turns are held; an undo whose survivor changed meanwhile is refused by the version check.
        if (version === undefined) throw new Error(`the merge decided on ${part.streamId}, not one of the streams read`);
        const events = await this.confidentiality.seal(toEventsForAppend(part.events as never, envelope), plan, part.streamId);
        return { stream: { id: part.streamId, type: aggregate }, expectedVersion: version || 'no-stream', events };
      }),
    );
    const results = await this.store.appendMany(parts, idempotencyOf(context));
    this.cache.forget(duplicateStream);
    this.cache.forget(survivorStream);
    return outcomeOf(aggregate, duplicateId, results, results.some((result) => result.replayed));
  }
}
