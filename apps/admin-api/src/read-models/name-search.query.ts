import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListPageQuery } from './page.query.js';

/** GET /people and GET /organizations: a name to look for, and the page. */
export class NameSearchQuery extends ListPageQuery {
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

  @ApiPropertyOptional({ description: 'Opaque: nextCursor of the previous page, with the same q' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
