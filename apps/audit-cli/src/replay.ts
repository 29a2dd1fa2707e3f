import { parseArgs } from 'node:util';
import { readOnlyPool, readWritePool } from '../../../libs/audit/src/pools.js';
import { createProgress, formatRate } from '../../../libs/audit/src/progress.js';
import { READ_MODEL_PROJECTIONS, READ_MODELS, tablesOfReadModel } from '../../../libs/read-models/src/read-models.js';
import { describeDifference } from '../../../libs/read-models/src/rebuild/compare.js';
import { BOOKKEEPING_TABLES, engineTables, LIVE_SCHEMA, rebuildAndSwap, SHADOW_SCHEMA, verifyReadModels, type RebuildPhase } from '../../../libs/read-models/src/rebuild/rebuild.js';
import { startTracing } from '../../../libs/telemetry/src/tracing.js';
import { database, EXIT, fmt, run, say } from './cli-support.js';

const HELP = `npm run replay -- --projection <name> | --all  [--verify] [--batch-size <n>]

Rebuilds the read models from the PostgreSQL event log (not Kafka) into the schema ${SHADOW_SCHEMA}, then swaps it in
atomically (blue/green): queries keep answering from ${LIVE_SCHEMA} during the rebuild; the live projector pauses only
for the swap itself and loses no update across it (see libs/read-models/README.md). The rebuild runs the live
projector's engine and handlers, so it writes the same row versions the projector did.

  --all                 rebuild every read model
  --projection <name>   ${READ_MODEL_PROJECTIONS.map((p) => p.name).join(', ')}, read-models (or a table name; repeatable).
                        The engine applies every read model's handlers to an event together (one transaction, one
                        dead letter), so a rebuild always rebuilds all of them: a name is accepted and maps to all.
                        With --verify the name limits the comparison to that model's tables.
  --verify              do not swap: rebuild into temporary tables (nothing real is written), then, with the projector
                        paused, compare with the live tables at the stream versions they reflect, every version of
                        every row (the history, not only the current rows); print the differences. Exit code 1 on any
                        difference.

Progress: a bar with rate and ETA on a terminal, plain lines otherwise (stderr). The bar counts events read: rows are
written by COPY as the log is read, stream by stream; what follows it (the indexes, the swap) is shown step by step with
its duration. Exit code: 0 ok, 1 differences, 2 error. Database: DATABASE_URL, else the embedded PostgreSQL of npm start.`;

/**
 * What the stages after the bar say. The bar counts events read: rows are written while the log is read (a stream as
 * soon as its last event is folded), so at 100% what is left is the streams still open, the indexes and the swap.
 */
const PHASES: Record<RebuildPhase, string> = {
  fold: 'reading the log stream by stream, writing every row version',
  write: 'writing what is left',
  indexes: 'building the secondary indexes',
  swap: 'catching up with the log and swapping in (projector paused)',
};

// A `rebuild` span (with its phases) when OTEL_EXPORTER_OTLP_ENDPOINT is set; no instrumentation: the rebuild's many
// statements would bury it.
const tracing = await startTracing({ serviceName: 'reelwire-replay', instrumentations: [] });

run('replay', async () => {
  try {
    return await replay();
  } finally {
    await tracing.shutdown();
  }
});

async function replay(): Promise<number> {
  const { values } = parseArgs({
    options: {
      projection: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      verify: { type: 'boolean' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const names = values.projection ?? [];
  if (!values.all && names.length === 0) {
    process.stderr.write(`${HELP}\n\nreplay: say --all or --projection <name>\n`);
    return EXIT.usage;
  }
  const named = [...new Set(names.flatMap((name) => tablesOfReadModel(name)))];
  const allTables = engineTables(READ_MODELS);
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  const partial = !values.all && named.length < allTables.length;
  const db = await database('replay');
  try {
    if (values.verify) {
      const tables = partial ? named : [...allTables, ...BOOKKEEPING_TABLES];
      if (partial) say('replay', `--verify: all read models are rebuilt (one projection); comparing only ${tables.join(', ')}`);
      const pool = readOnlyPool(db.url, 'reelwire-replay-verify');
      try {
        const progress = createProgress({ label: 'replay --verify', total: 0 });
        const result = await verifyReadModels({
          pool,
          tables,
          ...(batchSize ? { batchSize } : {}),
          onProgress: (done, total) => progress.update(done, total),
          onPhase: (phase) => phase !== 'fold' && progress.stage(phase === 'swap' ? 'comparing with the live tables (projector paused)' : PHASES[phase]),
        });
        progress.finish();
        say(
          'replay',
          `rebuilt ${fmt(result.events)} events into temporary tables (READ ONLY, nothing written) in ${(result.durationMs / 1000).toFixed(2)} s, ${formatRate(result.rate)}; ` +
            `compared with ${LIVE_SCHEMA} at the stream versions it reflects (projector paused while comparing${result.streamsComparedBehindLog ? `; ${result.streamsComparedBehindLog} streams lag the log and were compared at their live version` : ''})`,
        );
        for (const [table, n] of Object.entries(result.rows)) say('replay', `  ${table}: ${fmt(n)} live rows`);
        if (result.ok) {
          process.stdout.write(`verify: OK: no differences between the live read models and a rebuild from the log\n`);
          return EXIT.ok;
        }
        process.stdout.write(`verify: ${result.differences.length} difference(s) between the live read models and a rebuild from the log:\n`);
        for (const d of result.differences) process.stdout.write(`  ${describeDifference(d)}\n`);
        return EXIT.failed;
      } finally {
        await pool.end();
      }
    }
    if (partial) say('replay', `the engine applies every read model together: rebuilding ${names.join(', ')} rebuilds all of them`);
    const pool = readWritePool(db.url, 'reelwire-replay');
    try {
      const progress = createProgress({ label: 'replay', total: 0 });
      const result = await rebuildAndSwap({
        pool,
        ...(batchSize ? { batchSize } : {}),
        onProgress: (done, total) => progress.update(done, total),
        onPhase: (phase) => phase !== 'fold' && progress.stage(PHASES[phase]),
      });
      progress.finish();
      process.stdout.write(
        `replay: rebuilt ${fmt(result.events)} events (${fmt(result.applied)} applied, ${fmt(result.skipped)} skipped, ${fmt(result.deadLettered)} dead-lettered) ` +
          `from the event log into ${SHADOW_SCHEMA} in ${(result.durationMs / 1000).toFixed(2)} s, ${formatRate(result.rate)}; ` +
          `${fmt(result.caughtUpInSwap)} appended meanwhile applied in the swap; swapped ${SHADOW_SCHEMA} -> ${LIVE_SCHEMA} (old tables dropped); ` +
          `${result.checkpointsCopied} Kafka checkpoint(s) carried over\n`,
      );
      process.stdout.write(`replay: rows: ${Object.entries(result.rows).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}\n`);
      return EXIT.ok;
    } finally {
      await pool.end();
    }
  } finally {
    await db.stop();
  }
}
