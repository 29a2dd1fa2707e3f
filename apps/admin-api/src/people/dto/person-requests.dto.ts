import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { NAME_KINDS } from '../../../../../libs/contracts/src/vocabulary.js';
import { DistinctFromProperty } from '../../shared/dto/merge-request.dto.js';
import { WriteRequestDto } from '../../shared/dto/write-request.dto.js';

// Field shapes are documented here; their rules are checked once, in libs/domain (422 with field paths).

export class PersonNameInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) nameId?: string;
  @ApiProperty({ example: 'Lee Kwang-soo' }) text!: string;
  @ApiProperty({ example: 'ko-Latn', description: 'BCP 47 with script for Korean: ko-Kore (Hangul), ko-Latn (romanized)' }) language!: string;
  @ApiPropertyOptional({ enum: NAME_KINDS }) kind?: string;
  @ApiPropertyOptional({ example: 'Lee' }) familyName?: string;
  @ApiPropertyOptional({ example: 'Kwang-soo' }) givenName?: string;
  @ApiPropertyOptional({ example: true, description: 'Required with familyName and givenName: their order in text' }) familyNameFirst?: boolean;
  @ApiPropertyOptional() primary?: boolean;
}

export class RegisterPersonDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Generated when absent' }) @Allow() personId?: string;
  @ApiProperty({ type: () => [PersonNameInputDto] }) @Allow() names!: PersonNameInputDto[];
  @ApiPropertyOptional({ example: ['KR'] }) @Allow() nationalities?: string[];
  @ApiPropertyOptional({ example: 1985 }) @Allow() birthYear?: number;
  @ApiPropertyOptional({ example: { imdb: 'nm2154960' } }) @Allow() externalIds?: Record<string, string>;
  @DistinctFromProperty() distinctFrom?: string[];
}

export class UpdatePersonDetailsDto extends WriteRequestDto {
  @ApiProperty({ example: { nationalities: ['KR'] }, description: 'New information: nationalities, birthYear, externalIds' }) @Allow() changes!: Record<string, unknown>;
}

export class AddPersonNameDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() nameId?: string;
  @ApiProperty({ example: '이광수' }) @Allow() text!: string;
  @ApiProperty({ example: 'ko-Kore' }) @Allow() language!: string;
  @ApiPropertyOptional({ enum: NAME_KINDS }) @Allow() kind?: string;
  @ApiPropertyOptional() @Allow() familyName?: string;
  @ApiPropertyOptional() @Allow() givenName?: string;
  @ApiPropertyOptional({ example: true, description: 'Required with familyName and givenName: their order in text' }) @Allow() familyNameFirst?: boolean;
  @ApiPropertyOptional() @Allow() primary?: boolean;
}
