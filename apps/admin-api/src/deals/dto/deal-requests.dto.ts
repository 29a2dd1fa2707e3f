import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DEAL_SIDES, DEAL_STATUSES, DEAL_TYPES, DEAL_WORK_ROLES } from '../../../../../libs/contracts/src/vocabulary.js';
import { territoryProperty } from '../../shared/dto/territory.js';
import { PartialDateDto } from '../../shared/dto/partial-date.dto.js';
import { WriteRequestDto } from '../../shared/dto/write-request.dto.js';
import { STANDING_PROPERTY } from '../../shared/dto/fix-request.dto.js';

// Field shapes are documented here; their rules are checked once, in libs/domain (422 with field paths).

export class DealPartyInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) partyId?: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty({ enum: DEAL_SIDES }) side!: string;
  @ApiPropertyOptional({ example: 50, description: 'Percentage; the shares of a deal add up to at most 100' }) share?: number;
}

export class DealWorkInputDto {
  @ApiProperty({ format: 'uuid' }) workId!: string;
  @ApiProperty({ enum: DEAL_WORK_ROLES, description: "'source': the property whose rights are dealt; 'subject': a work the deal produces or covers" }) role!: string;
  @ApiPropertyOptional(territoryProperty('VN', "The one territory this work is dealt for, narrowing the deal's territories")) territory?: string;
}

export class RightsWindowDto {
  @ApiPropertyOptional({ type: () => PartialDateDto }) from?: PartialDateDto;
  @ApiPropertyOptional({ type: () => PartialDateDto }) to?: PartialDateDto;
}

export class AnnounceDealDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Generated when absent' }) @Allow() dealId?: string;
  @ApiProperty({ enum: DEAL_TYPES, example: 'co-production' }) @Allow() type!: string;
  @ApiPropertyOptional({ example: 'One Source Multi Territory', description: 'How the trade press names it' }) @Allow() name?: string;
  @ApiProperty({ type: () => [DealPartyInputDto] }) @Allow() parties!: DealPartyInputDto[];
  @ApiPropertyOptional({ type: () => [DealWorkInputDto] }) @Allow() works?: DealWorkInputDto[];
  @ApiPropertyOptional({ ...territoryProperty('latin-america', 'Where the deal applies, each'), example: ['KR', 'latin-america'] }) @Allow() territories?: string[];
  @ApiPropertyOptional({ example: ['ko', 'vi'] }) @Allow() languages?: string[];
  @ApiPropertyOptional({ type: () => RightsWindowDto }) @Allow() rightsWindow?: RightsWindowDto;
  @ApiProperty({ example: false, description: 'Were the financial terms disclosed?' }) @Allow() termsDisclosed!: boolean;
  @ApiPropertyOptional() @Allow() coProductionTreaty?: boolean;
  @ApiProperty({ type: () => PartialDateDto }) @Allow() announcedAt!: PartialDateDto;
  @ApiPropertyOptional(STANDING_PROPERTY) @Allow() standing?: string;
}

export class UpdateDealDetailsDto extends WriteRequestDto {
  @ApiProperty({ example: { territories: ['KR', 'VN', 'TH'] }, description: 'New information: name, territories, languages, rightsWindow, termsDisclosed, coProductionTreaty. A field left out is unchanged; in rightsWindow a bound left out stays and null removes it' })
  @Allow()
  changes!: Record<string, unknown>;
}

export class AddDealPartyDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() partyId?: string;
  @ApiProperty({ format: 'uuid' }) @Allow() organizationId!: string;
  @ApiProperty({ enum: DEAL_SIDES }) @Allow() side!: string;
  @ApiPropertyOptional() @Allow() share?: number;
}

export class AddWorkToDealDto extends WriteRequestDto {
  @ApiProperty({ format: 'uuid' }) @Allow() workId!: string;
  @ApiProperty({ enum: DEAL_WORK_ROLES }) @Allow() role!: string;
  @ApiPropertyOptional(territoryProperty('VN', "The one territory this work is dealt for, narrowing the deal's territories")) @Allow() territory?: string;
}

export class ChangeDealStatusDto extends WriteRequestDto {
  @ApiProperty({ enum: DEAL_STATUSES, example: 'closed' }) @Allow() to!: string;
  @ApiProperty({ type: () => PartialDateDto }) @Allow() effective!: PartialDateDto;
  @ApiPropertyOptional() @Allow() reason?: string;
}
