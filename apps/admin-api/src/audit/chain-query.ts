import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const POSITION = /^[1-9]\d{0,14}$/;

/** GET /audit/chain: which range of the log to verify (inclusive); both optional. */
export class ChainQuery {
  @ApiPropertyOptional({ example: '1', pattern: POSITION.source, description: 'First global position to verify (trusting the stored hash of the event before it). Default 1' })
  @IsOptional()
  @Matches(POSITION, { message: 'from must be a global position: a whole number from 1 to 999999999999999' })
  from?: string;

  @ApiPropertyOptional({ example: '500', pattern: POSITION.source, description: 'Last global position to verify. Default: the head. chain_head itself is checked when the range reaches the end of the log' })
  @IsOptional()
  @Matches(POSITION, { message: 'to must be a global position: a whole number from 1 to 999999999999999' })
  to?: string;
}
