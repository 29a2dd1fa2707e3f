import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { eventContracts } from '../../../../libs/contracts/src/event-contracts.js';
import { AGGREGATE_TYPES } from '../../../../libs/contracts/src/streams.js';
import { StreamIdFilter } from '../shared/id-filter.js';
import { IsInstant, IsPartialDateText } from '../shared/strict-dates.js';

const PARTIAL_DATE_MESSAGE = (field: string) => `${field} must be a date that exists: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'`;

/** Every event type the log can hold (each has a contract), in contract order. */
export const EVENT_TYPES: string[] = [...new Set(eventContracts.map((contract) => contract.type))];

/** Global positions are PostgreSQL bigints; the same bound as asOfPosition keeps a cursor in range. */
const CURSOR = /^\d{1,15}$/;

/** `?type=A&type=B` or `?type=A,B` → ['A', 'B']. */
const toList = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');

const unknownTypes = (value: unknown) => (Array.isArray(value) ? value : [value]).filter((type) => !EVENT_TYPES.includes(String(type))).map(String);

/** Filters of GET /history; all optional, combined with AND. */
export class HistoryFeedQuery {
  @ApiPropertyOptional({ example: 'dev-editor', description: "The actor's principal id (the API key's principal), exact" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: EVENT_TYPES,
    example: ['CompanyCreditCorrected', 'WorkFactRetracted'],
    description: 'Event type(s): repeat the parameter (`type=A&type=B`) or separate with commas (`type=A,B`). A type the API does not know is a 400 listing the known ones',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsIn(EVENT_TYPES, { each: true, message: ({ value }) => `type must be event types the log holds; unknown: ${unknownTypes(value).join(', ')}; allowed: ${EVENT_TYPES.join(', ')}` })
  type?: string[];

  @ApiPropertyOptional({ enum: AGGREGATE_TYPES, example: 'work', description: 'Only events of this aggregate type (another value is a 400 listing these)' })
  @IsOptional()
  @IsIn(AGGREGATE_TYPES as unknown as string[], { message: `aggregateType must be one of ${AGGREGATE_TYPES.join(', ')}` })
  aggregateType?: string;

  @ApiPropertyOptional({ example: 'work-5eed0c00-0000-4000-8000-000000000002', description: 'Only events of this stream (`<aggregate>-<id>`)' })
  @IsOptional()
  @StreamIdFilter()
  @IsString()
  @MaxLength(200)
  streamId?: string;

  @ApiPropertyOptional({ example: '2025-11-24T00:00:00Z', description: 'Recorded (desk time) at or after this ISO 8601 instant' })
  @IsOptional()
  @IsInstant({ message: 'recordedFrom must be a real ISO 8601 instant with its time zone, e.g. 2025-11-24T00:00:00Z' })
  recordedFrom?: string;

  @ApiPropertyOptional({ example: '2025-11-25T23:59:59Z', description: 'Recorded at or before this ISO 8601 instant' })
  @IsOptional()
  @IsInstant({ message: 'recordedTo must be a real ISO 8601 instant with its time zone, e.g. 2025-11-25T23:59:59Z' })
  recordedTo?: string;

  @ApiPropertyOptional({
    example: '2018',
    description: "Happened in the world (occurredAt) on or after this date. Partial dates compare by their start: '2018' is 2018-01-01, so an event that occurred in '2018-05' matches. Events without occurredAt are left out.",
  })
  @IsOptional()
  @IsPartialDateText({ message: PARTIAL_DATE_MESSAGE('occurredFrom') })
  occurredFrom?: string;

  @ApiPropertyOptional({
    example: '2020-06',
    description: "Happened on or before this date, by start: '2020-06' is 2020-06-01, so an event that occurred in '2020' (2020-01-01) matches and one on 2020-06-15 does not.",
  })
  @IsOptional()
  @IsPartialDateText({ message: PARTIAL_DATE_MESSAGE('occurredTo') })
  occurredTo?: string;

  @ApiPropertyOptional({
    example: 'variety',
    description: "Text in the cited source's publisher: case, accents, punctuation and spacing ignored ('joongang' finds 'Korea JoongAng Daily', 'cine 21' finds 'Ciné-21')",
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  publisher?: string;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'desc: newest first; asc: oldest first (by global position); another value is a 400' })
  @IsOptional()
  @IsIn(['desc', 'asc'], { message: 'order must be desc or asc' })
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ example: '1042', pattern: '^\\d{1,15}$', description: 'nextCursor of the previous page (a global position; the page continues after it in `order`)' })
  @IsOptional()
  @Matches(CURSOR, { message: 'cursor must be the nextCursor of a previous page: a whole number of at most 15 digits' })
  cursor?: string;
}
