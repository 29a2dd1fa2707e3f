import { applyDecorators, HttpCode, Injectable, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { CanRead, CanWrite, Roles } from '../auth/roles.decorator.js';
import type { Role } from '../config/app-config.js';
import { Confidentiality } from '../confidential/confidentiality.js';
import { AGGREGATES } from '../editing/aggregate-catalog.js';
import type { CommandOutcome } from '../editing/command-outcome.js';
import { ExecuteDomainCommand } from '../editing/execute-command.js';
import { MergeRecords, type MergeableAggregate, type MergeCommand } from '../editing/merge-records.js';
import { ProblemException, ProblemType, validationProblem } from '../problem-details/problem-details.js';
import { GetAggregate, GetAggregateHistory, type AggregateView, type HistoryEntry } from '../reading/aggregate-queries.js';
import type { CommandContext } from './command-context.js';
import { parseInstant } from './strict-dates.js';
import { NIL_UUID } from './text-at-the-edge.js';

/** The body of a write's answer. */
export type WriteAnswer = Omit<CommandOutcome, 'replayed'>;

interface ResponseLike {
  header(name: string, value: string): unknown;
}

const WRITE_HEADERS = [
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Per API key. A retry with the same key, route and body records nothing new and gets the first answer again, byte for byte (status, body, Location, ETag; Idempotent-Replayed: true); the key with another request is 422 /problems/idempotency-key-reused',
  }),
  ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) you based the edit on; 409 if someone else edited since' }),
  ApiResponse({ status: 400, description: 'Malformed request (problem+json with field errors)' }),
  ApiResponse({ status: 409, description: 'Edited by someone else since If-Match (problem+json with currentVersion)' }),
  ApiResponse({ status: 422, description: 'A business rule refuses it (problem+json: field errors, allowed statuses, …)' }),
];

const NEW_FACT_SCHEMA = {
  type: 'object',
  required: ['type', 'id', 'streamId', 'eventId'],
  properties: {
    type: { type: 'string', example: 'company-credit', description: 'The fact type, as `fact.type` of a correction, clarification, retraction or standing change names it' },
    id: { type: 'string', format: 'uuid' },
    streamId: { type: 'string', description: 'The record it was stated on (a move: the target work)', example: 'work-5eed0c00-0000-4000-8000-000000000002' },
    eventId: { type: 'string', format: 'uuid', description: 'The event that stated it (also usable as `fact: { type: "event", id }`)' },
  },
};

/** What every write answers (CommandOutcome without `replayed`, which the Idempotent-Replayed header says). */
export const WRITE_ANSWER_SCHEMA = {
  type: 'object',
  required: ['aggregate', 'id', 'streamId', 'version', 'events'],
  properties: {
    aggregate: { type: 'string', example: 'work' },
    id: { type: 'string', format: 'uuid' },
    streamId: { type: 'string', example: 'work-5eed0c00-0000-4000-8000-000000000002' },
    version: { type: 'integer', description: 'The new version: the next If-Match (also the ETag)' },
    factType: { type: 'string', example: 'company-credit', description: 'A write that added a fact under a new id: its type (the first one, when it added several; see facts)' },
    factId: { type: 'string', format: 'uuid', description: 'The id of that fact: name it as `fact: { type: factType, id: factId }` to correct, clarify, retract it or change its standing' },
    facts: { type: 'array', description: 'Every fact the write added under a new id, in the order stated (a registration: the record, then its titles or names and status change; a correction: the replacement; a move: the fact on the target work)', items: NEW_FACT_SCHEMA },
    demoted: {
      type: 'object',
      description: 'A title (or name) made primary took the place of another: the one it demoted, which stays as an alternate title; the history shows the PrimaryTitleSet (PrimaryPersonNameSet, PrimaryOrganizationNameSet) event with previousTitleId (previousNameId)',
      required: ['type', 'id'],
      properties: {
        type: { type: 'string', enum: ['title', 'name'] },
        id: { type: 'string', format: 'uuid' },
        text: { type: 'string', example: 'Save the Green Planet!' },
        language: { type: 'string', example: 'en' },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['eventId', 'type', 'streamId', 'streamVersion', 'globalPosition', 'recordedAt'],
        properties: { eventId: { type: 'string', format: 'uuid' }, type: { type: 'string' }, streamId: { type: 'string' }, streamVersion: { type: 'integer' }, globalPosition: { type: 'string' }, recordedAt: { type: 'string', format: 'date-time' } },
      },
    },
    streams: { type: 'array', description: 'A move: the version of each work after it', items: { type: 'object', properties: { streamId: { type: 'string' }, version: { type: 'integer' } } } },
  },
};

/**
 * The answer of a write that always adds a fact of one of `factTypes` under a new id: factType, factId and facts are
 * required, and factType is one of those.
 */
export function factAnswerSchema(factTypes: readonly string[]) {
  return {
    ...WRITE_ANSWER_SCHEMA,
    required: [...WRITE_ANSWER_SCHEMA.required, 'factType', 'factId', 'facts'],
    properties: { ...WRITE_ANSWER_SCHEMA.properties, factType: { ...WRITE_ANSWER_SCHEMA.properties.factType, enum: [...factTypes], example: factTypes[0] } },
  };
}

/** A write that creates an aggregate: 201 with Location; the record is the first fact it adds (factType, factId). */
export const CreateEndpoint = (summary: string, aggregate: AggregateType) =>
  applyDecorators(
    CanWrite(),
    HttpCode(201),
    ApiOperation({ summary }),
    ApiResponse({ status: 201, description: 'Recorded: Location names the record, ETag its version; facts lists the record and the facts it states with their ids', schema: factAnswerSchema([aggregate]) }),
    ...WRITE_HEADERS,
  );

/**
 * A write on an existing aggregate: 200 with the new version as ETag. `adds`: the fact types the write always adds
 * one of (its answer then requires factType and factId).
 */
export const EditEndpoint = (summary: string, options: { adds?: readonly string[] } = {}) =>
  applyDecorators(
    CanWrite(),
    HttpCode(200),
    ApiOperation({ summary }),
    ApiResponse({
      status: 200,
      description: options.adds ? `Recorded: ETag is the new version; factType (${options.adds.join(' or ')}) and factId name the fact it added` : 'Recorded: ETag is the new version',
      schema: options.adds ? factAnswerSchema(options.adds) : WRITE_ANSWER_SCHEMA,
    }),
    ApiResponse({ status: 404, description: 'No such aggregate' }),
    ...WRITE_HEADERS,
  );

/** A write only an admin may make (erasure): 200 with the new version as ETag. */
export const AdminEditEndpoint = (summary: string) =>
  applyDecorators(
    Roles('admin'),
    HttpCode(200),
    ApiOperation({ summary }),
    ApiResponse({ status: 403, description: 'Only an admin may do this (problem+json)' }),
    ApiResponse({ status: 404, description: 'No such aggregate' }),
    ...WRITE_HEADERS,
  );

export const ReadEndpoint = (summary: string) => applyDecorators(CanRead(), ApiOperation({ summary }), ApiResponse({ status: 404, description: 'No such aggregate' }));

export const AsOfQuery = () =>
  ApiQuery({
    name: 'asOf',
    required: false,
    description: 'ISO 8601 instant with its time zone, or a date (its midnight UTC): answer as the desk knew it then (by recordedAt)',
    example: '2025-11-25T12:00:00Z',
  });

/**
 * A path id that must be a UUID, read in lower case (an id typed in upper case names the same record); a malformed
 * one or the nil UUID is a 400 naming the parameter.
 */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: name, message: `${name} must be a UUID` }]) }), {
    transform(value: string): string {
      const id = value.toLowerCase();
      if (id === NIL_UUID) throw validationProblem([{ field: name, message: `${name} must not be the nil UUID (all zeros): name a real record` }]);
      return id;
    },
  });

export const UuidPath = (name: string) => ApiParam({ name, format: 'uuid' });

/** `?asOf=` as a Date, or a 400 naming it (a date that does not exist, such as 2025-02-30, included). */
export const AsOf = () =>
  Query('asOf', {
    transform(value: unknown): Date | undefined {
      if (value === undefined || value === '') return undefined;
      const date = parseInstant(value, { dateOnly: true });
      if (!date) throw validationProblem([{ field: 'asOf', message: 'asOf must be a real ISO 8601 instant with its time zone, e.g. 2025-11-25T12:00:00Z, or a date such as 2025-11-25' }]);
      return date;
    },
  });

/** The controllers' one way in: commands through the command bus, reads through the query bus, headers set alike. */
@Injectable()
export class EditorialGateway {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly confidentiality: Confidentiality,
  ) {}

  async send(
    aggregate: AggregateType,
    type: string,
    data: Record<string, unknown>,
    context: CommandContext,
    response: ResponseLike,
    options: { created?: boolean; beforeDeciding?: () => Promise<Record<string, unknown>> } = {},
  ): Promise<WriteAnswer> {
    const outcome = await this.commandBus.execute<ExecuteDomainCommand, CommandOutcome>(new ExecuteDomainCommand(aggregate, { type, data }, context, options.beforeDeciding));
    return this.answer(outcome, response, options);
  }

  /**
   * Status (the route's), ETag, Location and body depend only on the route and the stored outcome, so a replayed
   * Idempotency-Key answers exactly what the first request was answered; only Idempotent-Replayed tells them apart.
   */
  answer(outcome: CommandOutcome, response: ResponseLike, options: { created?: boolean } = {}): WriteAnswer {
    response.header('ETag', `"${outcome.version}"`);
    if (outcome.replayed) response.header('Idempotent-Replayed', 'true');
    if (options.created) response.header('Location', `/${AGGREGATES[outcome.aggregate as AggregateType].collection}/${outcome.id}`);
    const { replayed: _replayed, ...body } = outcome;
    return body;
  }

  /** Merging two records of one person, company or work, or undoing it: both streams in one transaction. */
  async merge(aggregate: MergeableAggregate, command: MergeCommand, context: CommandContext, response: ResponseLike): Promise<WriteAnswer> {
    const outcome = await this.commandBus.execute<MergeRecords, CommandOutcome>(new MergeRecords(aggregate, command, context));
    return this.answer(outcome, response);
  }

  /**
   * The folded aggregate; a person's personal data opened for the roles that may read it, else its label. A record
   * merged into another (as the desk knew it at `asOf`) answers with a redirect to its survivor.
   */
  async get(aggregate: AggregateType, id: string, asOf: Date | undefined, response: ResponseLike, role: Role = 'reader'): Promise<AggregateView> {
    const { personalDataEvent, ...view } = await this.queryBus.execute<GetAggregate, AggregateView>(new GetAggregate(aggregate, id, asOf));
    const merged = view.state.mergedInto as { survivorId: string } | null | undefined;
    if (merged) throw mergedRedirect(aggregate, id, merged.survivorId, `/${AGGREGATES[aggregate].collection}/${merged.survivorId}`, asOf ? { asOf: asOf.toISOString() } : {});
    response.header('ETag', `"${view.version}"`);
    if (!personalDataEvent) return view;
    const [opened] = await this.confidentiality.openEntries([{ ...personalDataEvent, source: undefined, personalData: view.personalData }], role);
    return { ...view, personalData: opened!.personalData };
  }

  /** Every event of the aggregate, with confidential sources and personal data as `role` may read them. */
  async history(aggregate: AggregateType, id: string, role: Role) {
    const history = await this.queryBus.execute<GetAggregateHistory, { aggregate: AggregateType; id: string; entries: HistoryEntry[] }>(new GetAggregateHistory(aggregate, id));
    return { ...history, entries: await this.confidentiality.openEntries(history.entries, role) };
  }

  /**
   * Destroys the person's data keys, then records the erasure (naming them) on the person's stream. The keys go only
   * when this request records: not for an unknown person, a replayed Idempotency-Key or one reused on another body.
   */
  async erasePersonData(personId: string, body: object, context: CommandContext, response: ResponseLike): Promise<WriteAnswer> {
    return this.send('person', 'ErasePersonData', { ...body, personId }, context, response, {
      beforeDeciding: async () => {
        // Answers 404 for an unknown person; a duplicate merged into another is erased too (its own keys), not redirected.
        await this.queryBus.execute<GetAggregate, AggregateView>(new GetAggregate('person', personId, undefined));
        return { erasedKeyIds: await this.confidentiality.erasePerson(personId) };
      },
    });
  }
}

/**
 * A read of a record merged into another is answered 307 Temporary Redirect to the same read of the survivor (the
 * query kept), which HTTP clients follow by themselves. Temporary, not permanent (308/301), because a merge can be
 * undone: a client must not remember it. The body says why, for a client that does not follow redirects; the
 * duplicate's own history (…/history) is not redirected: it is the record of what was stated on it, merge included.
 */
export function mergedRedirect(aggregate: string, id: string, survivorId: string, path: string, query: Record<string, string>): ProblemException {
  const search = new URLSearchParams(query).toString();
  const location = search ? `${path}?${search}` : path;
  return new ProblemException({
    type: ProblemType.merged,
    title: 'Merged into another record',
    status: 307,
    detail: `The ${aggregate} ${id} was merged into ${survivorId} as a duplicate of it: read ${location}`,
    survivorId,
    location,
  });
}
