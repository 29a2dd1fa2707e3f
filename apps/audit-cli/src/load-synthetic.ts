import { parseArgs } from 'node:util';
import { readWritePool } from '../../../libs/audit/src/pools.js';
import { createProgress } from '../../../libs/audit/src/progress.js';
import { appendSyntheticEvents } from '../../../libs/audit/src/synthetic-log.js';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { EXIT, fmt, run, say } from './cli-support.js';

const HELP = `node dist/apps/audit-cli/src/load-synthetic.js --events <n>

For measuring verify-chain and export on a large log: appends <n> synthetic events (stream type 'bench') with the
event store's exact chain rule to DATABASE_URL, 10 000 per transaction. Refuses a database whose name does not
contain "bench" or "test": these events are not editorial facts.`;

run('load-synthetic', async () => {
  const { values } = parseArgs({ options: { events: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !values.events) {
    process.stdout.write(`${HELP}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to a scratch database');
  const name = new URL(url).pathname.slice(1);
  if (!/bench|test/i.test(name)) throw new Error(`refusing to write synthetic events into "${name}": its name must contain "bench" or "test"`);
  await runMigrations(url);
  const pool = readWritePool(url, 'reelwire-load-synthetic');
  try {
    const count = Number(values.events);
    const progress = createProgress({ label: 'load-synthetic', total: count });
    const started = Date.now();
    const head = await appendSyntheticEvents(pool, { count, onProgress: (done) => progress.update(done) });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    say('load-synthetic', `${fmt(count)} events appended in ${seconds.toFixed(1)} s (${fmt(Math.round(count / seconds))} events/s); head ${head.headPosition} ${head.headHash}`);
    return EXIT.ok;
  } finally {
    await pool.end();
  }
});
