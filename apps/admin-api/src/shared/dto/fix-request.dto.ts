import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsIn, IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { DEAL_FACT_TYPES } from '../../../../../libs/contracts/src/events/deal.events.js';
import { ORGANIZATION_FACT_TYPES } from '../../../../../libs/contracts/src/events/organization.events.js';
import { PERSON_FACT_TYPES } from '../../../../../libs/contracts/src/events/person.events.js';
import { WORK_FACT_TYPES } from '../../../../../libs/contracts/src/events/work.events.js';
import type { AggregateType } from '../../../../../libs/contracts/src/streams.js';
import { FACT_STANDINGS } from '../../../../../libs/contracts/src/vocabulary.js';
import { SourcedRequestDto, WriteRequestDto } from './write-request.dto.js';

/** The fact types a fix of each aggregate can name (the event contracts' lists), besides 'event'. */
export const FACT_TYPES: Record<AggregateType, readonly string[]> = {
  work: WORK_FACT_TYPES,
  organization: ORGANIZATION_FACT_TYPES,
  person: PERSON_FACT_TYPES,
  deal: DEAL_FACT_TYPES,
};

/** Corrections, clarifications, retractions and moves: the note saying why is required. */
export abstract class NotedWriteRequestDto extends SourcedRequestDto {
  @ApiProperty({ example: 'The brief credited this company to the wrong film; the producer confirmed it', description: "Editor's note: why" })
  @IsString()
  @IsNotEmpty({ message: 'note is required on corrections, clarifications and retractions: say why' })
  @MaxLength(2000)
  note!: string;
}

/** Each aggregate's example of a fix: a fact type it has, and corrected values of that fact. */
const FIX_EXAMPLES: Record<AggregateType, { factType: string; changes: Record<string, unknown> }> = {
  work: { factType: 'company-credit', changes: { role: 'distributor' } },
  organization: { factType: 'name', changes: { text: 'CJ E&M' } },
  person: { factType: 'name', changes: { text: 'Jang Jun-hwan' } },
  deal: { factType: 'party', changes: { share: 40 } },
};

const named = <T extends abstract new (...args: never[]) => unknown>(type: T, name: string): T => Object.defineProperty(type, 'name', { value: name });

/**
 * The fix bodies of one aggregate, whose `fact.type` the OpenAPI document lists as an enum of that aggregate's fact
 * types (WorkCorrectionDto, DealFactRefDto, …). Another value is a malformed request: 400 naming fact.type and listing
 * the aggregate's types, before anything is read or decided.
 */
export function fixRequestDtos(aggregate: AggregateType) {
  const allowed = [...FACT_TYPES[aggregate], 'event'];
  const noun = aggregate[0]!.toUpperCase() + aggregate.slice(1);

  class AggregateFactRefDto {
    @ApiProperty({
      enum: allowed,
      example: FIX_EXAMPLES[aggregate].factType,
      description: `The fact type: ${FACT_TYPES[aggregate].join(', ')} ('${aggregate}' is the ${aggregate} itself), or 'event' with the id of the event that stated the fact`,
    })
    @IsString({ message: 'fact.type must name the fact type' })
    @IsIn(allowed, { message: `fact.type must be one of ${allowed.join(', ')} (the ${aggregate}'s fact types, or event)` })
    type!: string;

    @ApiProperty({ description: `The fact id (${aggregate === 'work' ? 'creditId, titleId, …' : 'as in its state'}), the ${aggregate} id, or an eventId when type is event` })
    @IsString({ message: 'fact.id must be the id of the fact' })
    id!: string;
  }

  abstract class AggregateFixRequestDto extends NotedWriteRequestDto {
    @ApiProperty({ type: () => AggregateFactRefDto })
    @IsDefined({ message: 'fact is required: name the fact being fixed' })
    @ValidateNested()
    @Type(() => AggregateFactRefDto)
    fact!: AggregateFactRefDto;
  }

  class AggregateCorrectionDto extends AggregateFixRequestDto {
    @ApiProperty({
      example: FIX_EXAMPLES[aggregate].changes,
      description: "The corrected values of the fact (only its own fields: a 422 names the fields a fact type has); null removes an optional value that should never have been stated",
    })
    @IsObject({ message: 'changes must be an object of corrected values' })
    changes!: Record<string, unknown>;

    @ApiPropertyOptional({ format: 'uuid', description: 'Id for the replacement fact (generated when absent)' })
    @Allow()
    replacementId?: string;
  }

  class AggregateClarificationDto extends AggregateFixRequestDto {}
  class AggregateRetractionDto extends AggregateFixRequestDto {}

  /**
   * How sure a fact is, changed by the source that changed it (a studio's confirmation, a denial). Not a fix: the fact
   * was not wrong. The note is optional.
   */
  class AggregateStandingChangeDto extends WriteRequestDto {
    @ApiProperty({ type: () => AggregateFactRefDto })
    @IsDefined({ message: 'fact is required: name the fact whose standing changes' })
    @ValidateNested()
    @Type(() => AggregateFactRefDto)
    fact!: AggregateFactRefDto;

    @ApiProperty({ enum: FACT_STANDINGS, example: 'confirmed', description: 'The new standing: rumored ("in talks"), reported, confirmed (by a party, a filing, a press release) or denied' })
    @IsIn(FACT_STANDINGS, { message: `standing must be one of ${FACT_STANDINGS.join(', ')}` })
    standing!: string;
  }

  named(AggregateFactRefDto, `${noun}FactRefDto`);
  named(AggregateFixRequestDto, `${noun}FixRequestDto`);
  return {
    Correction: named(AggregateCorrectionDto, `${noun}CorrectionDto`),
    Clarification: named(AggregateClarificationDto, `${noun}ClarificationDto`),
    Retraction: named(AggregateRetractionDto, `${noun}RetractionDto`),
    StandingChange: named(AggregateStandingChangeDto, `${noun}StandingChangeDto`),
  };
}

/** Stating a fact with how sure it is (default reported). */
export const STANDING_PROPERTY = { enum: FACT_STANDINGS, example: 'rumored', description: "How sure the fact is when stated: rumored, reported, confirmed or denied (default 'reported')" } as const;
