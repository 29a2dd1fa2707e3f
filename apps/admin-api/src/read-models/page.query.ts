import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** What every paged list of the read models accepts besides its own filters: the page size and the view. */
export abstract class ListPageQuery {
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
}
