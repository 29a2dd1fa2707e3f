import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { SourcedRequestDto } from './write-request.dto.js';

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
