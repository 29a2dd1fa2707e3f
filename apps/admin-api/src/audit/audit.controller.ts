import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { chainReport, type ChainReport } from '../../../../libs/audit/src/chain-report.js';
import { Roles } from '../auth/roles.decorator.js';
import { PG_POOL } from '../database/database.module.js';
import { validationProblem } from '../problem-details/problem-details.js';
import { ChainQuery } from './chain-query.js';

type Response = { header(name: string, value: string): unknown };

export const NDJSON = 'application/x-ndjson';

/**
 * Hashing runs on one worker thread (libs/audit), so a long verification keeps the API's event loop free and takes one
 * core, not every core as the CLI does.
 */
const HASHING_THREADS = 1;

const HEAD = { position: '1042', hash: '5c0f…e91a' };
export const CHAIN_REPORT_EXAMPLE: Omit<ChainReport, 'verified'> & { verified: Partial<ChainReport['verified']> } = {
  head: HEAD,
  count: 1042,
  verified: { from: '1', to: '1042', ok: true, checked: 1042, lastGoodPosition: '1042', lastGoodHash: '5c0f…e91a', durationMs: 84, rate: 12404 },
};

/** For auditors: the hash chain of the event log, verified on request with the code behind `npm run verify-chain`. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  @Get('chain')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      'The hash chain: its head (position, hash), how many events the log holds, and the verification of a range (?from=&to=, inclusive; default the whole log): ' +
      'every hash recomputed from the stored row, every prev_hash linked, chain_head checked when the range reaches the end. ok false names firstBrokenAt and why. ' +
      `With Accept: ${NDJSON} the answer streams one {"progress":{"checked","of"}} line per verified batch, then {"result":…}. Auditor or admin key; the same verification as npm run verify-chain.`,
  })
  @ApiOkResponse({
    description: 'The head, the count and the verdict (a broken chain is still a 200: the verification worked; verified.ok says what it found)',
    content: {
      'application/json': { schema: { type: 'object', required: ['head', 'count', 'verified'] }, example: CHAIN_REPORT_EXAMPLE },
      [NDJSON]: {
        schema: { type: 'string', description: 'One JSON object a line: {"progress":{"checked","of"}} per verified batch, then {"result": the JSON answer}' },
        example: `${JSON.stringify({ progress: { checked: 5000, of: 1042000 } })}\n${JSON.stringify({ result: CHAIN_REPORT_EXAMPLE })}\n`,
      },
    },
  })
  @ApiResponse({ status: 400, description: 'from or to is not a position, or from is after to (problem+json naming the field)' })
  @ApiResponse({ status: 403, description: 'An editor key: chain verification is for auditors and admins' })
  async chain(@Query() query: ChainQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) response: Response): Promise<ChainReport | PassThrough> {
    if (query.from !== undefined && query.to !== undefined && BigInt(query.from) > BigInt(query.to)) {
      throw validationProblem([{ field: 'from', message: `from (${query.from}) must not be after to (${query.to})` }]);
    }
    const range = { ...(query.from !== undefined ? { fromPosition: query.from } : {}), ...(query.to !== undefined ? { toPosition: query.to } : {}), workers: HASHING_THREADS };
    if (!accept?.includes(NDJSON)) return chainReport(this.pool, range);

    const lines = new PassThrough();
    response.header('Content-Type', `${NDJSON}; charset=utf-8`);
    response.header('Cache-Control', 'no-store');
    const send = (line: object) => lines.write(`${JSON.stringify(line)}\n`);
    chainReport(this.pool, { ...range, onProgress: (checked, of) => send({ progress: { checked, of } }) })
      .then((report) => lines.end(`${JSON.stringify({ result: report })}\n`))
      // The status line is gone; the stream's last line says the verification could not finish.
      .catch((error: unknown) => lines.end(`${JSON.stringify({ error: { title: 'Verification failed', detail: error instanceof Error ? error.message : String(error) } })}\n`));
    return lines;
  }
}
