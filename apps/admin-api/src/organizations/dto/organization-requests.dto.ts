import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, ValidateBy } from 'class-validator';
import { NAME_KINDS, ORGANIZATION_KINDS } from '../../../../../libs/contracts/src/vocabulary.js';
import { PartialDateDto } from '../../shared/dto/partial-date.dto.js';
import { DistinctFromProperty } from '../../shared/dto/merge-request.dto.js';
import { WriteRequestDto } from '../../shared/dto/write-request.dto.js';

// Field shapes are documented here; their rules are checked once, in libs/domain (422 with field paths).

export class OrganizationNameInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) nameId?: string;
  @ApiProperty({ example: 'CJ ENM' }) text!: string;
  @ApiProperty({ example: 'en' }) language!: string;
  @ApiPropertyOptional({ enum: NAME_KINDS }) kind?: string;
  @ApiPropertyOptional() primary?: boolean;
}

export class RegisterOrganizationDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Generated when absent' }) @Allow() organizationId?: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS, example: 'studio' }) @Allow() kind!: string;
  @ApiProperty({ example: 'KR', description: 'ISO 3166-1 alpha-2 country of the company' }) @Allow() country!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Parent company, e.g. a division of a conglomerate' }) @Allow() parentOrganizationId?: string;
  @ApiProperty({ type: () => [OrganizationNameInputDto] }) @Allow() names!: OrganizationNameInputDto[];
  @DistinctFromProperty() distinctFrom?: string[];
}

export class UpdateOrganizationDetailsDto extends WriteRequestDto {
  @ApiProperty({ example: { kind: 'conglomerate' }, description: 'New information: kind, country' }) @Allow() changes!: Record<string, unknown>;
}

export class ChangeParentOrganizationDto extends WriteRequestDto {
  /** Required, so that a field left out is never read as "no parent": only an explicit null clears it. */
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Required: the parent company, or null for no parent any more (spun off)' })
  @ValidateBy({ name: 'isPresent', validator: { validate: (value) => value !== undefined } }, { message: 'parentOrganizationId is required: the parent company id, or null to clear the parent' })
  parentOrganizationId!: string | null;
  @ApiPropertyOptional({ type: () => PartialDateDto }) @Allow() effective?: PartialDateDto;
}

export class AddOrganizationNameDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() nameId?: string;
  @ApiProperty({ example: 'CJ이엔엠' }) @Allow() text!: string;
  @ApiProperty({ example: 'ko-Kore' }) @Allow() language!: string;
  @ApiPropertyOptional({ enum: NAME_KINDS }) @Allow() kind?: string;
  @ApiPropertyOptional() @Allow() primary?: boolean;
}
