import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { NotedWriteRequestDto } from '../../shared/dto/fix-request.dto.js';
import { NAME_KINDS } from '../../../../../libs/contracts/src/vocabulary.js';
import { DistinctFromProperty } from '../../shared/dto/merge-request.dto.js';
import { WriteRequestDto } from '../../shared/dto/write-request.dto.js';

// Field shapes are documented here; their rules are checked once, in libs/domain (422 with field paths).

export class PersonNameInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) nameId?: string;
  @ApiProperty({ example: 'Bae Doona' }) text!: string;
  @ApiProperty({ example: 'ko-Latn', description: 'BCP 47 with script for Korean: ko-Kore (Hangul), ko-Latn (romanized)' }) language!: string;
  @ApiPropertyOptional({ enum: NAME_KINDS }) kind?: string;
  @ApiPropertyOptional({ example: 'Bae' }) familyName?: string;
  @ApiPropertyOptional({ example: 'Doona' }) givenName?: string;
  @ApiPropertyOptional({ example: true, description: 'Required with familyName and givenName: their order in text' }) familyNameFirst?: boolean;
  @ApiPropertyOptional() primary?: boolean;
}

/**
 * Personal data a person may ask to erase: sealed with the person's own key before it is recorded, readable by editors,
 * auditors and admins, never on Kafka or in read models, and unreadable everywhere once erased (POST /people/{id}/erasure).
 */
export class PrivateDetailsDto {
  @ApiPropertyOptional({ example: '1985-07-14', description: 'Full date of birth (birthYear stays public)' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'privateDetails.dateOfBirth must be a date YYYY-MM-DD' })
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: 'Lee Kwang-su', description: 'Name at birth, when not public' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  birthName?: string;

  @ApiPropertyOptional({ example: 'agent: +82 2 0000 0000', description: 'How the desk reaches the person or their agent' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  contact?: string;
}

const PRIVATE_DETAILS = () =>
  ApiPropertyOptional({ type: () => PrivateDetailsDto, description: "Personal data, sealed with the person's key before it is recorded; erasable" });

export class RegisterPersonDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Generated when absent' }) @Allow() personId?: string;
  @ApiProperty({ type: () => [PersonNameInputDto] }) @Allow() names!: PersonNameInputDto[];
  @ApiPropertyOptional({ example: ['KR'] }) @Allow() nationalities?: string[];
  @ApiPropertyOptional({ example: 1979 }) @Allow() birthYear?: number;
  @ApiPropertyOptional({ example: { imdb: 'nm1234567' }, description: 'Ids in other catalogues (IMDb, KOBIS, Wikidata)' }) @Allow() externalIds?: Record<string, string>;
  @PRIVATE_DETAILS() @IsOptional() @ValidateNested() @Type(() => PrivateDetailsDto) privateDetails?: PrivateDetailsDto;
  @DistinctFromProperty() distinctFrom?: string[];
}

export class UpdatePersonDetailsDto extends WriteRequestDto {
  @ApiProperty({ example: { nationalities: ['KR'] }, description: 'New information: nationalities, birthYear, externalIds' }) @Allow() changes!: Record<string, unknown>;
  @PRIVATE_DETAILS() @IsOptional() @ValidateNested() @Type(() => PrivateDetailsDto) privateDetails?: PrivateDetailsDto;
}

/** POST /people/{id}/erasure: why (the request's reference), and the source of the request. */
export class PersonDataErasureDto extends NotedWriteRequestDto {}

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
