import { parseArgs } from 'node:util';
import { readOnlyPool } from '../../../libs/audit/src/pools.js';
import { chainReport } from '../../../libs/audit/src/chain-report.js';
import { createProgress, formatRate, type Progress } from '../../../libs/audit/src/progress.js';
import { database, EXIT, fmt, run } from './cli-support.js';

const HELP = `npm run verify-chain -- [--from <position>] [--to <position>] [--batch-size <n>]

Walks the global hash chain in one READ ONLY snapshot: recomputes every event's hash from its stored content, checks
each prev_hash against its predecessor and chain_head against the last event. Prints "ok" with the head (position,
hash) and the rate, or "BROKEN" with the first position whose hash does not match, the stored and recomputed hash.
--from/--to verify that range only (inclusive; chain_head is checked when the range reaches the end of the log).
The same verification answers GET /audit/chain on the admin API (auditor key).
Exit code: 0 ok, 1 broken, 2 error. Database: DATABASE_URL, else the embedded PostgreSQL of npm start.`;

run('verify-chain', async () => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (values.from !== undefined && !/^\d+$/.test(values.from)) throw new Error('--from must be a position (a whole number)');
  if (values.to !== undefined && !/^\d+$/.test(values.to)) throw new Error('--to must be a position (a whole number)');
  const db = await database('verify-chain');
  const pool = readOnlyPool(db.url, 'reelwire-verify-chain');
  try {
    let progress: Progress | undefined;
    const report = await chainReport(pool, {
      ...(values.from ? { fromPosition: values.from } : {}),
      ...(values.to ? { toPosition: values.to } : {}),
      ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
      onProgress: (checked, inRange) => (progress ??= createProgress({ label: 'verify-chain', total: inRange })).update(checked),
    });
    progress?.finish();
    const result = report.verified;
    const seconds = (result.durationMs / 1000).toFixed(2);
    if (result.ok) {
      process.stdout.write(
        `ok: ${fmt(result.checked)} events verified, head position ${result.lastGoodPosition} hash ${result.lastGoodHash || '(none)'}; ${seconds} s, ${formatRate(result.rate)}\n`,
      );
      return EXIT.ok;
    }
    const m = result.mismatch!;
    const [storedLabel, recomputedLabel] = m.reason === 'prev-hash-mismatch' ? ['stored prev_hash:    ', "previous event hash: "] : m.reason === 'head-mismatch' ? ['chain_head hash:', 'last event hash:'] : ['stored hash:    ', 'recomputed hash:'];
    process.stdout.write(
      [
        `BROKEN at position ${m.globalPosition}: ${m.reason}`,
        `  ${m.explanation}`,
        `  ${storedLabel} ${m.storedHash}`,
        `  ${recomputedLabel} ${m.recomputedHash}`,
        `  ${fmt(result.checked)} events before it verified (last good position ${result.lastGoodPosition}); ${seconds} s, ${formatRate(result.rate)}`,
      ].join('\n') + '\n',
    );
    return EXIT.failed;
  } finally {
    await pool.end();
    await db.stop();
  }
});
