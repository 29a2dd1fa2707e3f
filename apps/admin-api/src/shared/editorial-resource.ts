import { Body, Get, Post, Res, type Type } from '@nestjs/common';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { CallerRole } from '../auth/principal.js';
import type { Role } from '../config/app-config.js';
import { WriteContext, type CommandContext } from './command-context.js';
import { ClarificationDto, CorrectionDto, RetractionDto } from './dto/fix-request.dto.js';
import { AsOf, AsOfQuery, EditEndpoint, EditorialGateway, ReadEndpoint, UuidParam, UuidPath } from './edit-endpoint.js';

type Response = { header(name: string, value: string): unknown };
type Fix = 'Correct' | 'Clarify' | 'Retract';

export interface EditorialResourceMethods {
  readonly gateway: EditorialGateway;
  send(type: string, id: string, body: object, context: CommandContext, response: Response, extra?: Record<string, unknown>): Promise<unknown>;
}

/**
 * The routes every aggregate shares — read (now or asOf), history, and the three kinds of fix — declared once.
 * `commandNoun` makes the command names: Correct<Noun>Fact, Clarify<Noun>Fact, Retract<Noun>Fact.
 */
export function EditorialResource(aggregate: AggregateType, idParam: string, commandNoun: string): Type<EditorialResourceMethods> {
  const fixCommand = (fix: Fix) => `${fix}${commandNoun}Fact`;

  abstract class Resource implements EditorialResourceMethods {
    constructor(readonly gateway: EditorialGateway) {}

    send(type: string, id: string, body: object, context: CommandContext, response: Response, extra: Record<string, unknown> = {}) {
      return this.gateway.send(aggregate, type, { ...body, ...extra, [idParam]: id }, context, response);
    }

    @Get(`:${idParam}`)
    @ReadEndpoint(
      `The ${aggregate} folded from its events, now or as of a past moment; ETag is its version` +
        (aggregate === 'person' ? ". personalData: the person's private details, opened for editors, auditors and admins (erased: true after an erasure), else the label" : ''),
    )
    @UuidPath(idParam)
    @AsOfQuery()
    get(@UuidParam(idParam) id: string, @AsOf() asOf: Date | undefined, @CallerRole() role: Role, @Res({ passthrough: true }) response: Response) {
      return this.gateway.get(aggregate, id, asOf, response, role);
    }

    @Get(`:${idParam}/history`)
    @ReadEndpoint(
      `Every event of the ${aggregate}: who, when, why, on which source; each with its correctionChain (fixes: the fact a fix names and the event that stated it; fixedBy: later fixes of what it stated), as in GET /history. ` +
        'Confidential sources and personal data are opened for editors, auditors and admins (erased: true once their key was destroyed) and shown as their label to readers',
    )
    @UuidPath(idParam)
    history(@UuidParam(idParam) id: string, @CallerRole() role: Role) {
      return this.gateway.history(aggregate, id, role);
    }

    @Post(`:${idParam}/corrections`)
    @EditEndpoint('Correct a fact that was wrong: the old one is kept, deprecated, and points at its replacement')
    @UuidPath(idParam)
    correct(@UuidParam(idParam) id: string, @Body() body: CorrectionDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      return this.send(fixCommand('Correct'), id, body, context, response);
    }

    @Post(`:${idParam}/clarifications`)
    @EditEndpoint('Clarify a fact that is right but misleading: it stays current, with the note')
    @UuidPath(idParam)
    clarify(@UuidParam(idParam) id: string, @Body() body: ClarificationDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      return this.send(fixCommand('Clarify'), id, body, context, response);
    }

    @Post(`:${idParam}/retractions`)
    @EditEndpoint(`Retract a fact (or the whole ${aggregate}, fact.type "${aggregate}") whose premise was wrong; nothing is deleted`)
    @UuidPath(idParam)
    retract(@UuidParam(idParam) id: string, @Body() body: RetractionDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      return this.send(fixCommand('Retract'), id, body, context, response);
    }
  }
  return Resource as unknown as Type<EditorialResourceMethods>;
}
