import { Body, Get, Post, Res, type Type } from '@nestjs/common';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { CallerRole } from '../auth/principal.js';
import type { Role } from '../config/app-config.js';
import type { MergeableAggregate } from '../editing/merge-records.js';
import { WriteContext, type CommandContext } from './command-context.js';
import { fixRequestDtos } from './dto/fix-request.dto.js';
import { MergeRequestDto, UndoMergeRequestDto } from './dto/merge-request.dto.js';
import { AsOf, AsOfQuery, EditEndpoint, EditorialGateway, ReadEndpoint, UuidParam, UuidPath } from './edit-endpoint.js';

type Response = { header(name: string, value: string): unknown };
type Fix = 'Correct' | 'Clarify' | 'Retract';

export interface EditorialResourceMethods {
  readonly gateway: EditorialGateway;
  send(type: string, id: string, body: object, context: CommandContext, response: Response, extra?: Record<string, unknown>): Promise<unknown>;
}

/**
 * The routes every aggregate shares — read (now or asOf), history, and the three kinds of fix — declared once.
 * `commandNoun` makes the command names: Correct<Noun>Fact, Clarify<Noun>Fact, Retract<Noun>Fact, and
 * Change<Noun>FactStanding for the standing changes.
 */
export function EditorialResource(aggregate: AggregateType, idParam: string, commandNoun: string): Type<EditorialResourceMethods> {
  const fixCommand = (fix: Fix) => `${fix}${commandNoun}Fact`;
  const fixes = fixRequestDtos(aggregate);
  // Declared here, so each route's parameter type (which validation and the OpenAPI document read) is the aggregate's.
  class CorrectionDto extends fixes.Correction {}
  class ClarificationDto extends fixes.Clarification {}
  class RetractionDto extends fixes.Retraction {}
  class StandingChangeDto extends fixes.StandingChange {}
  Object.defineProperty(CorrectionDto, 'name', { value: fixes.Correction.name });
  Object.defineProperty(ClarificationDto, 'name', { value: fixes.Clarification.name });
  Object.defineProperty(RetractionDto, 'name', { value: fixes.Retraction.name });
  Object.defineProperty(StandingChangeDto, 'name', { value: fixes.StandingChange.name });

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
    @EditEndpoint(
      'Correct a fact that was wrong: the old one is kept, deprecated, and points at its replacement; the answer names the replacement (factType, factId), except for a correction of the record\'s own details, which states no new fact',
    )
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

    @Post(`:${idParam}/standing-changes`)
    @EditEndpoint(
      `Change how sure a fact of the ${aggregate} is (rumored, reported, confirmed, denied; fact.type "${aggregate}" for the ${aggregate} itself), citing the source that changed it; not a fix: a denied fact stays in the record but is not shown as current`,
    )
    @UuidPath(idParam)
    changeStanding(@UuidParam(idParam) id: string, @Body() body: StandingChangeDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      return this.send(`Change${commandNoun}FactStanding`, id, body, context, response);
    }
  }
  return Resource as unknown as Type<EditorialResourceMethods>;
}

/**
 * The shared routes, plus merging: `POST /{collection}/{id}/merge` ({ survivorId, note, source }) merges the record in
 * the URL, a duplicate, into the survivor; `POST /{collection}/{id}/merge/undo` ({ note, source }) undoes it. Both
 * change the two records in one transaction (libs/domain/src/shared/merges.ts).
 */
/** What reads of other records do with a merged duplicate, by aggregate (the merge route's description). */
const MERGE_FOLLOWS: Record<MergeableAggregate, string> = {
  person: 'credits, attachments and portfolios that name it show the survivor',
  organization: 'credits, attachments and portfolios that name it show the survivor',
  work: "/projects lists the survivor only and relations that name it (a remake's original, the remake map) show the survivor; its own facts are not copied (move them before merging)",
};

export function MergeableEditorialResource(aggregate: MergeableAggregate, idParam: string, commandNoun: string): Type<EditorialResourceMethods> {
  abstract class Mergeable extends EditorialResource(aggregate, idParam, commandNoun) {
    @Post(`:${idParam}/merge`)
    @EditEndpoint(
      `Merge this ${aggregate} (a duplicate) into the survivor: from now on it points to the survivor, takes no edits (409 /problems/merged), and its reads redirect (307) to the survivor's; ${MERGE_FOLLOWS[aggregate]}. Answers with the duplicate's new version; streams gives both`,
    )
    @UuidPath(idParam)
    merge(@UuidParam(idParam) id: string, @Body() body: MergeRequestDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      const data = { ...body, survivorId: body.survivorId.toLowerCase(), [idParam]: id };
      return this.gateway.merge(aggregate, { type: `Merge${commandNoun}`, data } as never, context, response);
    }

    @Post(`:${idParam}/merge/undo`)
    @EditEndpoint(`Undo the merge of this ${aggregate}: the merge was wrong; both records stand apart again, as before it (the merge stays in both histories)`)
    @UuidPath(idParam)
    undoMerge(@UuidParam(idParam) id: string, @Body() body: UndoMergeRequestDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
      return this.gateway.merge(aggregate, { type: `Undo${commandNoun}Merge`, data: { ...body, [idParam]: id } } as never, context, response);
    }
  }
  return Mergeable as unknown as Type<EditorialResourceMethods>;
}
