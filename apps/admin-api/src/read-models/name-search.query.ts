import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** GET /people and GET /organizations: a name to look for, and the page. */
export class NameSearchQuery {
  @ApiPropertyOptional({
    example: 'nguyen thi ha',
    maxLength: 200,
    description:
      'Any current name, in any script: case, accents and diacritics ignored (“nguyen thi ha” finds “Nguyễn Thị Hà”), ' +
      'punctuation taken as a space, substrings and small typos found (“Bong Jun-ho” finds “Bong Joon-ho”). Results are ranked: ' +
      'a name equal to q, then one starting with it, then a word starting with it, then any other substring, then similar names; ' +
      'within each by similarity, then by name. Each result says how it matched (`match.kind`, `match.similarity`). ' +
      'Without q: every record, by primary name.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;

  // asOf / asOfPosition are read by the ViewAt decorator (and documented by ViewAtQuery); declared here so that the
  // list's whitelist validation lets them through.
  @IsOptional()
  @IsString()
  asOf?: string;

  @IsOptional()
  @IsString()
  asOfPosition?: string;

  @ApiPropertyOptional({ description: 'Opaque: nextCursor of the previous page, with the same q' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
