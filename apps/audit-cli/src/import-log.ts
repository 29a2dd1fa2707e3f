import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { importLog } from '../../../libs/audit/src/log-transfer.js';
import { readWritePool } from '../../../libs/audit/src/pools.js';
import { createProgress, formatRate } from '../../../libs/audit/src/progress.js';
import { rebuildAndSwap } from '../../../libs/read-models/src/rebuild/rebuild.js';
import { verifyChainStreaming } from '../../../libs/audit/src/verify-chain.js';
import { database, EXIT, fmt, run, say } from './cli-support.js';

const HELP = `npm run import-log -- <log.ndjson | ->  [--publish]

Disaster recovery: imports a whole-log export (npm run export-log) into an EMPTY database (refused otherwise; the
migrations are applied first), keeping positions, recordedAt and hashes, so the chain is the same; every line is
re-verified before anything commits (one transaction). Then rebuilds every read model from the imported log and
verifies the chain. Outbox rows are marked published (downstream already has these events); --publish leaves them
for the relay to send to Kafka again. Idempotency keys are not part of the log and are not imported.`;

run('import-log', async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { publish: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${HELP}\n\nimport-log: name one file (or - for stdin)\n`);
    return EXIT.usage;
  }
  const file = positionals[0]!;
  const db = await database('import-log');
  try {
    await runMigrations(db.url);
    const pool = readWritePool(db.url, 'reelwire-import-log');
    try {
      const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
      // Take the iterator now: readline drops lines emitted before iteration starts (the import first awaits its lock).
      const iterator = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
      const lines = { [Symbol.asyncIterator]: () => iterator };
      const started = Date.now();
      const imported = await importLog(pool, lines, { publish: values.publish === true });
      const seconds = (Date.now() - started) / 1000;
      say('import-log', `imported ${fmt(imported.imported)} events of ${fmt(imported.streams)} streams in ${seconds.toFixed(2)} s (${formatRate(imported.imported / Math.max(seconds, 1e-3))})`);
      const progress = createProgress({ label: 'rebuild', total: imported.imported });
      const rebuilt = await rebuildAndSwap({ pool, onProgress: (done, total) => progress.update(done, total) });
      progress.finish();
      const chain = await verifyChainStreaming(pool);
      process.stdout.write(
        `import-log: ${fmt(imported.imported)} events imported; chain ${chain.ok ? 'ok' : `BROKEN at ${chain.firstMismatch!.globalPosition}`}, head position ${chain.headPosition} hash ${chain.headHash}; ` +
          `read models rebuilt from ${fmt(rebuilt.events)} events (${fmt(rebuilt.deadLettered)} dead-lettered): ${Object.entries(rebuilt.rows).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}\n`,
      );
      return chain.ok ? EXIT.ok : EXIT.failed;
    } finally {
      await pool.end();
    }
  } finally {
    await db.stop();
  }
});
