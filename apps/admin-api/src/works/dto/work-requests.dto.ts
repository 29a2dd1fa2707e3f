import { DistinctFromProperty } from '../../shared/dto/merge-request.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { Allow, IsDefined, IsUUID } from 'class-validator';
import {
  BILLINGS,
  COMPANY_CREDIT_ROLES,
  MILESTONE_KINDS,
  RELEASE_TYPES,
  TALENT_ROLES,
  TITLE_CLASSES,
  WORK_KINDS,
  WORK_RELATION_TYPES,
  WORK_STATUSES,
} from '../../../../../libs/contracts/src/vocabulary.js';
import { NotedWriteRequestDto } from '../../shared/dto/fix-request.dto.js';
import { territoryProperty } from '../../shared/dto/territory.js';
import { PartialDateDto } from '../../shared/dto/partial-date.dto.js';
import { WriteRequestDto } from '../../shared/dto/write-request.dto.js';
import { STANDING_PROPERTY } from '../../shared/dto/fix-request.dto.js';

/*
 * Request bodies of the work endpoints. The decorators list and document the accepted fields (unknown fields are a
 * 400); the business rules — vocabularies, country and language codes, dates, one primary title — are checked once,
 * in libs/domain, and come back as 422 with the same field paths.
 */

const PARTIAL_DATE = { type: () => PartialDateDto };

export class TitleInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) titleId?: string;
  @ApiProperty({ example: '지구를 지켜라!' }) text!: string;
  @ApiProperty({ example: 'ko-Kore', description: 'BCP 47; Korean titles carry their script: ko-Kore (Hangul), ko-Latn (romanized)' }) language!: string;
  @ApiProperty({ enum: TITLE_CLASSES, example: 'original' }) class!: string;
  @ApiPropertyOptional(territoryProperty('US', 'Where this title is used')) territory?: string;
  @ApiPropertyOptional({ description: 'Exactly one title is primary; a single title is primary by default' }) primary?: boolean;
}

export class RegisterWorkDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Choose the id yourself (e.g. for imports); generated when absent' }) @Allow() workId?: string;
  @ApiProperty({ enum: WORK_KINDS, example: 'feature-film' }) @Allow() kind!: string;
  @ApiProperty({ example: 'ko', description: 'BCP 47 language of the original version' }) @Allow() originalLanguage!: string;
  @ApiProperty({ example: ['KR'], description: 'ISO 3166-1 alpha-2 production countries' }) @Allow() countries!: string[];
  @ApiPropertyOptional({ example: 2003 }) @Allow() productionYear?: number;
  @ApiPropertyOptional({ example: { imdb: 'tt0354668' }, description: 'eidr, kobis, imdb, tmdb, wikidata' }) @Allow() externalIds?: Record<string, string>;
  @ApiProperty({ type: () => [TitleInputDto] }) @Allow() titles!: TitleInputDto[];
  @ApiPropertyOptional({ enum: WORK_STATUSES, example: 'released', description: "Default 'announced'" }) @Allow() status?: string;
  @ApiPropertyOptional(PARTIAL_DATE) @Allow() statusEffective?: PartialDateDto;
  @ApiPropertyOptional(STANDING_PROPERTY) @Allow() standing?: string;
  @DistinctFromProperty() distinctFrom?: string[];
}

export class UpdateWorkDetailsDto extends WriteRequestDto {
  @ApiProperty({ example: { productionYear: 2025 }, description: 'New information (not a fix): kind, originalLanguage, countries, productionYear, externalIds' })
  @Allow()
  changes!: Record<string, unknown>;
}

export class AddTitleDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() titleId?: string;
  @ApiProperty({ example: 'Save the Green Planet!' }) @Allow() text!: string;
  @ApiProperty({ example: 'en' }) @Allow() language!: string;
  @ApiProperty({ enum: TITLE_CLASSES, example: 'translated' }) @Allow() class!: string;
  @ApiPropertyOptional(territoryProperty('US', 'Where this title is used')) @Allow() territory?: string;
  @ApiPropertyOptional() @Allow() primary?: boolean;
}

export class SetPrimaryTitleDto extends WriteRequestDto {
  @ApiProperty({ format: 'uuid' }) @Allow() titleId!: string;
}

export class RelateWorkDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() relationId?: string;
  @ApiProperty({ enum: WORK_RELATION_TYPES, example: 'remake-of', description: 'This work <relation> the target work' }) @Allow() relation!: string;
  @ApiProperty({ format: 'uuid' }) @Allow() targetWorkId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The deal behind the relation (e.g. remake rights)' }) @Allow() dealId?: string;
}

export class ChangeWorkStatusDto extends WriteRequestDto {
  @ApiProperty({ enum: WORK_STATUSES, example: 'in-development' }) @Allow() to!: string;
  @ApiProperty({ ...PARTIAL_DATE, description: 'When the status took effect in the world' }) @Allow() effective!: PartialDateDto;
  @ApiPropertyOptional() @Allow() reason?: string;
}

export class AddCompanyCreditDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() creditId?: string;
  @ApiProperty({ format: 'uuid' }) @Allow() organizationId!: string;
  @ApiProperty({ enum: COMPANY_CREDIT_ROLES, example: 'producer' }) @Allow() role!: string;
  @ApiPropertyOptional({ example: 'KR', description: 'The country the company represents in this credit' }) @Allow() country?: string;
  @ApiPropertyOptional(territoryProperty('latin-america', 'Where the role applies, e.g. a distributor or licensee for a territory')) @Allow() territory?: string;
  @ApiPropertyOptional(PARTIAL_DATE) @Allow() from?: PartialDateDto;
  @ApiPropertyOptional(PARTIAL_DATE) @Allow() to?: PartialDateDto;
  @ApiPropertyOptional(STANDING_PROPERTY) @Allow() standing?: string;
}

export class EndCompanyCreditDto extends WriteRequestDto {
  @ApiProperty(PARTIAL_DATE) @Allow() to!: PartialDateDto;
  @ApiPropertyOptional() @Allow() reason?: string;
}

export class AttachTalentDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() attachmentId?: string;
  @ApiProperty({ format: 'uuid' }) @Allow() personId!: string;
  @ApiProperty({ enum: TALENT_ROLES, example: 'director' }) @Allow() role!: string;
  @ApiPropertyOptional() @Allow() character?: string;
  @ApiPropertyOptional({ enum: BILLINGS }) @Allow() billing?: string;
  @ApiPropertyOptional(PARTIAL_DATE) @Allow() attachedAt?: PartialDateDto;
  @ApiPropertyOptional(STANDING_PROPERTY) @Allow() standing?: string;
}

export class DetachTalentDto extends WriteRequestDto {
  @ApiProperty({ example: 'Scheduling conflict' }) @Allow() reason!: string;
  @ApiPropertyOptional(PARTIAL_DATE) @Allow() detachedAt?: PartialDateDto;
}

export class ScheduleReleaseDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() releaseId?: string;
  @ApiProperty(territoryProperty('north-america', 'Where the film is released')) @Allow() territory!: string;
  @ApiProperty(PARTIAL_DATE) @Allow() date!: PartialDateDto;
  @ApiProperty({ enum: RELEASE_TYPES, example: 'wide' }) @Allow() type!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The distributing organization' }) @Allow() distributorId?: string;
  @ApiPropertyOptional({ example: 'Venice International Film Festival' }) @Allow() festival?: string;
  @ApiPropertyOptional({ enum: ['scheduled', 'occurred'], description: "Default 'scheduled'" }) @Allow() status?: string;
}

export class RescheduleReleaseDto extends WriteRequestDto {
  @ApiProperty({ ...PARTIAL_DATE, example: { date: '2027-03', precision: 'month' }, description: 'The new date (a plan: it may lie ahead)' }) @Allow() date!: PartialDateDto;
  @ApiPropertyOptional() @Allow() reason?: string;
}

export class MarkReleaseOccurredDto extends WriteRequestDto {
  @ApiPropertyOptional({ ...PARTIAL_DATE, example: { date: '2025-11', precision: 'month' }, description: 'When it happened, if not on its scheduled date' }) @Allow() date?: PartialDateDto;
}

export class CancelReleaseDto extends WriteRequestDto {
  @ApiPropertyOptional() @Allow() reason?: string;
}

export class RecordMilestoneDto extends WriteRequestDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() milestoneId?: string;
  @ApiProperty({ example: 'Remake rights acquired' }) @Allow() label!: string;
  @ApiProperty({ enum: MILESTONE_KINDS }) @Allow() kind!: string;
  @ApiProperty(PARTIAL_DATE) @Allow() date!: PartialDateDto;
}

/** A move names the work it moves to before anything is read: the two works' streams are locked together. */
const TargetWorkId = () =>
  applyDecorators(
    IsDefined({ message: 'targetWorkId is required: the id of the work the fact belongs to' }),
    IsUUID('all', { message: 'targetWorkId must be a UUID: the id of the work the fact belongs to' }),
  );

/** Moving a credit or attachment to the work it belongs to: one correction (note required) on both works at once. */
export class MoveCompanyCreditDto extends NotedWriteRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The work the credit belongs to' }) @TargetWorkId() targetWorkId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() targetCreditId?: string;
  @ApiPropertyOptional({ example: { role: 'co-producer' } }) @Allow() changes?: Record<string, unknown>;
}

export class MoveTalentAttachmentDto extends NotedWriteRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The work the attachment belongs to' }) @TargetWorkId() targetWorkId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Allow() targetAttachmentId?: string;
  @ApiPropertyOptional({ example: { billing: 'lead' } }) @Allow() changes?: Record<string, unknown>;
}
