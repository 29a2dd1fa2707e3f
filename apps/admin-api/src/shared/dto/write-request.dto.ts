import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PartialDateDto } from './partial-date.dto.js';
import { SourceCitationDto } from './source-citation.dto.js';

/** What every write carries: its source and optionally when the fact happened in the world. */
export abstract class SourcedRequestDto {
  @ApiProperty({ type: () => SourceCitationDto })
  @IsDefined({ message: 'source is required: every fact cites where it comes from' })
  @ValidateNested()
  @Type(() => SourceCitationDto)
  source!: SourceCitationDto;

  @ApiPropertyOptional({ type: () => PartialDateDto, description: 'When this happened in the world (not when it is recorded)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PartialDateDto)
  occurredAt?: PartialDateDto;
}

/** A write with an optional editor's note. */
export abstract class WriteRequestDto extends SourcedRequestDto {
  @ApiPropertyOptional({ example: 'Confirmed with the producer', description: "Editor's note stored with the event" })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
