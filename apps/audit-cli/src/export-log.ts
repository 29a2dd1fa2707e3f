import { parseArgs } from 'node:util';
import { exportLog, type ExportFilter } from '../../../libs/audit/src/log-transfer.js';
import { readOnlyPool } from '../../../libs/audit/src/pools.js';
import { database, EXIT, fmt, run, say } from './cli-support.js';

const HELP = `npm run export-log -- [--stream <streamId>] [--type <eventType>] [--from <ISO>] [--to <ISO>] > log.ndjson

Writes the event log (or the slice the filters select; --from inclusive, --to exclusive, on recordedAt) to stdout as
NDJSON, one event per line in position order: position, eventId, stream, streamType, version, type, schemaVersion,
data, metadata, recordedAt, hash, prevHash. One READ ONLY snapshot; events a still-open transaction may precede are
left for the next export (the gate). Re-verify with the rule in libs/audit/README.md. A whole-log export can be
imported into an empty database with npm run import-log.`;

function isoDate(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--${name} must be an ISO 8601 instant, got ${JSON.stringify(value)}`);
  return date;
}

run('export-log', async () => {
  const { values } = parseArgs({
    options: { stream: { type: 'string' }, type: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const filter: ExportFilter = {};
  if (values.stream) filter.stream = values.stream;
  if (values.type) filter.type = values.type;
  const from = isoDate('from', values.from);
  const to = isoDate('to', values.to);
  if (from) filter.from = from;
  if (to) filter.to = to;
  const db = await database('export-log');
  const pool = readOnlyPool(db.url, 'reelwire-export-log');
  try {
    const out = process.stdout;
    let buffer = '';
    const flush = async () => {
      if (buffer === '') return;
      const chunk = buffer;
      buffer = '';
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    };
    const summary = await exportLog(pool, filter, async (event) => {
      buffer += `${JSON.stringify(event)}\n`;
      if (buffer.length > 1 << 16) await flush();
    });
    await flush();
    const filtered = Object.keys(filter).length > 0;
    say(
      'export-log',
      `${fmt(summary.exported)} events exported${summary.exported ? ` (positions ${summary.firstPosition}..${summary.lastPosition}, last hash ${summary.lastHash})` : ''}` +
        `${filtered ? ' — a filtered slice: its lines verify one by one, the chain links only across consecutive positions' : ''}` +
        `${summary.gatedAt ? `; positions from ${summary.gatedAt} were left out (a transaction still open when the export began)` : ''}`,
    );
    return EXIT.ok;
  } finally {
    await pool.end();
    await db.stop();
  }
});
