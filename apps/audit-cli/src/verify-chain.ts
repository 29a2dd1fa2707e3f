import { parseArgs } from 'node:util';
import { readOnlyPool } from '../../../libs/audit/src/pools.js';
import { createProgress, formatRate } from '../../../libs/audit/src/progress.js';
import { MISMATCH_EXPLANATION, verifyChainStreaming } from '../../../libs/audit/src/verify-chain.js';
import { database, EXIT, fmt, run } from './cli-support.js';

const HELP = `npm run verify-chain -- [--from <position>] [--batch-size <n>]

Walks the global hash chain in one READ ONLY snapshot: recomputes every event's hash from its stored content, checks
each prev_hash against its predecessor and chain_head against the last event. Prints "ok" with the head (position,
hash) and the rate, or "BROKEN" with the first position whose hash does not match, the stored and recomputed hash.
Exit code: 0 ok, 1 broken, 2 error. Database: DATABASE_URL, else the embedded PostgreSQL of npm start.`;

run('verify-chain', async () => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (values.from !== undefined && !/^\d+$/.test(values.from)) throw new Error('--from must be a position (a whole number)');
  const db = await database('verify-chain');
  const pool = readOnlyPool(db.url, 'reelwire-verify-chain');
  try {
    const total = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE global_position >= $1::bigint', [values.from ?? '0'])).rows[0]!.n);
    const progress = createProgress({ label: 'verify-chain', total });
    const result = await verifyChainStreaming(pool, {
      ...(values.from ? { fromPosition: values.from } : {}),
      ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
      onProgress: (checked) => progress.update(checked),
    });
    progress.finish();
    const seconds = (result.durationMs / 1000).toFixed(2);
    if (result.ok) {
      process.stdout.write(
        `ok: ${fmt(result.checked)} events verified, head position ${result.headPosition} hash ${result.headHash || '(none)'}; ${seconds} s, ${formatRate(result.rate)}\n`,
      );
      return EXIT.ok;
    }
    const m = result.firstMismatch!;
    const [storedLabel, recomputedLabel] = m.reason === 'prev-hash-mismatch' ? ['stored prev_hash:    ', "previous event hash: "] : m.reason === 'head-mismatch' ? ['chain_head hash:', 'last event hash:'] : ['stored hash:    ', 'recomputed hash:'];
    process.stdout.write(
      [
        `BROKEN at position ${m.globalPosition}: ${m.reason}`,
        `  ${MISMATCH_EXPLANATION[m.reason]}`,
        `  ${storedLabel} ${m.storedHash}`,
        `  ${recomputedLabel} ${m.recomputedHash}`,
        `  ${fmt(result.checked)} events before it verified (last good position ${result.headPosition}); ${seconds} s, ${formatRate(result.rate)}`,
      ].join('\n') + '\n',
    );
    return EXIT.failed;
  } finally {
    await pool.end();
    await db.stop();
  }
});
