import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength } from 'class-validator';
import type { SourceCitation } from '../../../../../libs/contracts/src/envelope.js';
import { SOURCE_KINDS, type SourceKind } from '../../../../../libs/contracts/src/vocabulary.js';
import { IsIsoDateOrInstant } from '../strict-dates.js';

/**
 * Every write cites where the fact comes from. A confidential source (`confidential: true`) is sealed before it is
 * recorded: only publisher, publishedAt, language and kind stay readable outside the desk (docs/confidential-sources.md).
 */
export class SourceCitationDto implements Omit<SourceCitation, 'confidential'> {
  @ApiProperty({ example: 'KoBiz — Korean Film Biz Zone', description: 'Who published the source' })
  @IsString()
  @IsNotEmpty({ message: 'source.publisher must name who published the source' })
  @MaxLength(300)
  publisher!: string;

  @ApiPropertyOptional({ example: 'https://www.koreanfilm.or.kr/eng/news/news.jsp' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'source.url must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ example: 'Korean films go global' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ example: '2025-11-24', description: 'When the source published it (ISO 8601)' })
  @IsOptional()
  @IsIsoDateOrInstant({ message: 'source.publishedAt must be a real ISO 8601 date (2025-11-24) or instant with its time zone' })
  publishedAt?: string;

  @ApiPropertyOptional({ example: '2025-11-25', description: 'When the desk read it (ISO 8601)' })
  @IsOptional()
  @IsIsoDateOrInstant({ message: 'source.retrievedAt must be a real ISO 8601 date (2025-11-25) or instant with its time zone' })
  retrievedAt?: string;

  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 language of the source' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'source.language must be a BCP 47 tag such as en or ko' })
  language?: string;

  @ApiPropertyOptional({ description: 'A short excerpt supporting the fact, in your own selection' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  excerpt?: string;

  @ApiPropertyOptional({ enum: SOURCE_KINDS, example: 'press-release', description: 'What kind of source it is' })
  @IsOptional()
  @IsIn(SOURCE_KINDS, { message: `source.kind must be one of ${SOURCE_KINDS.join(', ')}` })
  kind?: SourceKind;

  @ApiPropertyOptional({
    example: true,
    description:
      'A confidential source: url, title, excerpt and retrievedAt (and the publisher, with withholdPublisher) are encrypted with the source\'s own key before they are recorded. ' +
      'Editors, auditors and admins read them; Kafka, the read models and readers see "confidential source" with publisher, publishedAt, language and kind.',
  })
  @IsOptional()
  @IsBoolean({ message: 'source.confidential must be true or false' })
  confidential?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The desk\'s id for a confidential source: cite the same id on every fact from that source (one key per source). Generated when absent. Not identifying: never reuse a name here.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'source.sourceId must be a UUID' })
  sourceId?: string;

  @ApiPropertyOptional({ example: false, description: 'Seal the publisher too (shown as "confidential source"); only with confidential: true' })
  @IsOptional()
  @IsBoolean({ message: 'source.withholdPublisher must be true or false' })
  withholdPublisher?: boolean;
}
