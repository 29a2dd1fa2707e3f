import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FACT_STANDINGS, WORK_KINDS, WORK_STATUSES } from '../../../../libs/contracts/src/vocabulary.js';
import { ListPageQuery } from './page.query.js';
import { IdFilter } from '../shared/id-filter.js';

/** Filters of GET /projects; all optional, combined with AND. */
export class ListProjectsQuery extends ListPageQuery {
  @ApiPropertyOptional({ enum: WORK_STATUSES, example: 'in-development' })
  @IsOptional()
  @IsIn(WORK_STATUSES as unknown as string[], { message: `status must be one of ${WORK_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ example: 'KR', description: 'A country of origin, ISO 3166-1 alpha-2' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as KR' })
  country?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Works this company is credited on' })
  @IsOptional()
  @IdFilter('companyId')
  companyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Works this person is attached to' })
  @IsOptional()
  @IdFilter('personId')
  personId?: string;

  @ApiPropertyOptional({ enum: WORK_KINDS })
  @IsOptional()
  @IsIn(WORK_KINDS as unknown as string[], { message: `kind must be one of ${WORK_KINDS.join(', ')}` })
  kind?: string;

  @ApiPropertyOptional({ enum: FACT_STANDINGS, example: 'confirmed', description: 'How sure the project itself is (its standing; the card shows each credit\'s too)' })
  @IsOptional()
  @IsIn(FACT_STANDINGS as unknown as string[], { message: `standing must be one of ${FACT_STANDINGS.join(', ')}` })
  standing?: string;

  @ApiPropertyOptional({
    example: 'green planet',
    maxLength: 200,
    description:
      'Any current title, in any script: case, accents and diacritics ignored (“me di bo” finds “Mang Mẹ Đi Bỏ”), punctuation taken ' +
      'as a space, substrings and small typos found. With q the projects are ranked instead of listed by title: a title equal to q, ' +
      'then one starting with it, then a word starting with it, then any other substring, then similar titles; within each by ' +
      'similarity, then by title. Each result says how it matched (`match.kind`, `match.similarity`).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Opaque: nextCursor of the previous page, with the same filters' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
