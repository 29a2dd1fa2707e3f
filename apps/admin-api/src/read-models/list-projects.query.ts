import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { canonicalTerritory, ISO_COUNTRY_CODE_LIST, TERRITORY_GROUP_CODES } from '../../../../libs/contracts/src/territories.js';
import { FACT_STANDINGS, WORK_KINDS, WORK_STATUSES } from '../../../../libs/contracts/src/vocabulary.js';
import { COUNTRY_LINKS, type CountryLink } from '../../../../libs/read-models/src/index.js';
import { ListPageQuery } from './page.query.js';
import { IdFilter } from '../shared/id-filter.js';

const TERRITORY_CODES = [...ISO_COUNTRY_CODE_LIST, ...TERRITORY_GROUP_CODES];

/** `?countryOf=a&countryOf=b` or `?countryOf=a,b` → ['a', 'b']. */
const toList = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** Filters of GET /projects; all optional, combined with AND. */
export class ListProjectsQuery extends ListPageQuery {
  @ApiPropertyOptional({ enum: WORK_STATUSES, example: 'in-development' })
  @IsOptional()
  @IsIn(WORK_STATUSES as unknown as string[], { message: `status must be one of ${WORK_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({
    example: 'CA',
    description:
      'Projects in this country: made there, released there, covered by a deal there, or with a company credited for a territory there ' +
      '(narrow with countryOf). Territory groups count for each of their countries: `CA` finds a release in `north-america` or `XW` ' +
      '(worldwide). A group code finds what is in any of its countries: `latin-america` finds a release in BR. ' +
      'Country codes in any case; group codes from GET /territories.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (canonicalTerritory(value) ?? value) : value))
  @IsIn(TERRITORY_CODES, { message: `country must be an ISO 3166-1 alpha-2 country code such as KR, or a territory group: ${TERRITORY_GROUP_CODES.join(', ')}` })
  country?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: COUNTRY_LINKS,
    example: ['release', 'deal'],
    description:
      'Which facts `country` looks at (default all): origin (a country of origin), release (a release not cancelled), deal (a deal naming the work), ' +
      'credit (a company credited for a territory). Repeat the parameter or separate with commas.',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsIn(COUNTRY_LINKS as unknown as string[], { each: true, message: `countryOf must be one or more of ${COUNTRY_LINKS.join(', ')}` })
  countryOf?: CountryLink[];

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
