import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsIn, IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { FACT_STANDINGS } from '../../../../../libs/contracts/src/vocabulary.js';
import { SourcedRequestDto, WriteRequestDto } from './write-request.dto.js';

/** Which fact a fix is about: a fact's own id, or the id of the event that stated it. */
export class FactRefDto {
  @ApiProperty({ example: 'company-credit', description: "The fact type (e.g. 'title', 'company-credit', 'talent-attachment', 'status-change', 'release', 'milestone', 'relation', the aggregate itself such as 'work'), or 'event'" })
  @IsString({ message: 'fact.type must name the fact type' })
  type!: string;

  @ApiProperty({ format: 'uuid', description: 'The fact id (creditId, titleId, …), the aggregate id, or an eventId when type is event' })
  @IsString({ message: 'fact.id must be the id of the fact' })
  id!: string;
}

/** Corrections, clarifications, retractions and moves: the note saying why is required. */
export abstract class NotedWriteRequestDto extends SourcedRequestDto {
  @ApiProperty({ example: 'The brief credited this company to the wrong film; the producer confirmed it', description: "Editor's note: why" })
  @IsString()
  @IsNotEmpty({ message: 'note is required on corrections, clarifications and retractions: say why' })
  @MaxLength(2000)
  note!: string;
}

export abstract class FixRequestDto extends NotedWriteRequestDto {
  @ApiProperty({ type: () => FactRefDto })
  @IsDefined({ message: 'fact is required: name the fact being fixed' })
  @ValidateNested()
  @Type(() => FactRefDto)
  fact!: FactRefDto;
}

export class CorrectionDto extends FixRequestDto {
  @ApiProperty({ example: { role: 'co-producer' }, description: 'The corrected values of the fact; null removes an optional value that should never have been stated' })
  @IsObject({ message: 'changes must be an object of corrected values' })
  changes!: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'Id for the replacement fact (generated when absent)' })
  @Allow()
  replacementId?: string;
}

export class ClarificationDto extends FixRequestDto {}

export class RetractionDto extends FixRequestDto {}

/**
 * How sure a fact is, changed by the source that changed it (a studio's confirmation, a denial). Not a fix: the fact
 * was not wrong. The note is optional.
 */
export class StandingChangeDto extends WriteRequestDto {
  @ApiProperty({ type: () => FactRefDto })
  @IsDefined({ message: 'fact is required: name the fact whose standing changes' })
  @ValidateNested()
  @Type(() => FactRefDto)
  fact!: FactRefDto;

  @ApiProperty({ enum: FACT_STANDINGS, example: 'confirmed', description: 'The new standing: rumored ("in talks"), reported, confirmed (by a party, a filing, a press release) or denied' })
  @IsIn(FACT_STANDINGS, { message: `standing must be one of ${FACT_STANDINGS.join(', ')}` })
  standing!: string;
}

/** Stating a fact with how sure it is (default reported). */
export const STANDING_PROPERTY = { enum: FACT_STANDINGS, example: 'rumored', description: "How sure the fact is when stated: rumored, reported, confirmed or denied (default 'reported')" } as const;
