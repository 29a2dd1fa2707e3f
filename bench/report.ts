/** Renders docs/benchmarks.md from the raw figures (docs/benchmarks.json). */
import type { BenchReport } from './run.js';
import { E2E_WORKS } from './pipeline.js';
import type { AsOfSectionFigures, ProjectorHistoryFigures } from './sections.js';
import { median } from './support.js';

const f = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const yes = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

export function renderReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# reelwire benchmarks', '');
  out.push(
    `Measured by \`npm run bench${r.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${r.date.slice(0, 10)} at commit ${r.git}. Every figure is the **median of ${r.repetitions} run${r.repetitions > 1 ? 's' : ''}**; every ratio is the median of ratios taken within one run (the compared systems ran seconds apart on the same server). Raw figures: [benchmarks.json](benchmarks.json).`,
    '',
  );
  out.push('| machine | |', '|---|---|');
  out.push(`| CPU | ${m.cpu}, ${m.cores} cores |`, `| memory | ${m.memoryGb} GB |`, `| OS | ${m.os} |`, `| Node | ${m.node} |`);
  out.push(`| PostgreSQL | ${m.postgres} (${Object.entries(m.postgresSettings).map(([k, v]) => `${k}=${v}`).join(', ')}), same machine |`);
  out.push(`| load average | ${m.loadAverageAtStart.join(' / ')} at start, ${m.loadAverageAtEnd?.join(' / ') ?? '?'} at end (1/5/15 min) |`);
  out.push(`| run time | ${f(r.durationSeconds)} s |`, '');
  out.push(
    'Noise: the machine has 2 cores shared by PostgreSQL, the apps, the load generator and the dev broker, and other people\'s test runs may have run at the same time (see the load average). Individual runs are in benchmarks.json; treat differences under ~15% as noise.',
    '',
  );

  const targets: Array<[string, string, string]> = [];
  if (r.append) {
    const a = r.append;
    out.push('## 1. Event-store append', '');
    out.push(
      `Events/s, closed loop: each writer appends to its own 20 streams in turn, stating the expected version. Event = a dated milestone with an editor's metadata (~${a.eventBytes} bytes of JSON). reelwire = \`PostgresEventStore.append\`: one \`event_store_append\` statement per call (idempotency, stream locks, chain hashes, events, outbox, all in the database) with group commit on (concurrent calls share one statement); "no group commit" = \`groupCommit: false\`, one statement per call; Emmett = \`${a.emmett.package}\` ${a.emmett.version} \`appendToStream\` with \`expectedStreamVersion\` on a pg.Pool of the same size (${a.emmett.note}); ceiling = plain INSERTs of rows of the same size into a bare table with the events table's columns and indexes (PK, unique event id, unique (stream, version), recorded_at) — no trigger, no outbox, no hash chain, no stream rows — one INSERT statement (its own transaction) per call of the same shape; "ceiling 100-row" = 100-row INSERTs from the same writers, the physical ceiling whatever the call shape.`,
      '',
    );
    out.push('| case | reelwire | reelwire, no group commit | Emmett | ceiling (same shape) | ceiling 100-row | reelwire / Emmett | reelwire / ceiling | reelwire / ceiling 100-row |', '|---|---|---|---|---|---|---|---|---|');
    for (const c of a.cases) {
      out.push(
        `| ${c.case.name} | ${f(c.median.reelwire)} | ${f(c.median.reelwireNoGroupCommit)} | ${f(c.median.emmett)} | ${f(c.median.ceiling)} | ${f(c.median.ceilingBatched)} | ${f(c.ratios.reelwireToEmmett, 2)}× | ${f(c.ratios.reelwireToCeiling * 100)}% | ${f(c.ratios.reelwireToCeilingBatched * 100)}% |`,
      );
    }
    out.push('');
    const singles = a.cases.filter((c) => c.case.batch === 1 && c.case.writers > 1);
    const worstEmmett = Math.min(...a.cases.map((c) => c.ratios.reelwireToEmmett));
    const worstCeiling = Math.min(...a.cases.map((c) => c.ratios.reelwireToCeiling));
    targets.push(['append ≥ 1.5× Emmett (every case)', `worst case ${f(worstEmmett, 2)}×`, yes(worstEmmett >= 1.5)]);
    targets.push(['append ≥ 50% of the ceiling (same shape, every case)', `worst case ${f(worstCeiling * 100)}%`, yes(worstCeiling >= 0.5)]);
    void singles;
  }
  if (r.pipeline) {
    const p = r.pipeline;
    out.push('## 2. Admin API under closed-loop load', '');
    out.push(
      `\`POST /works/:id/milestones\` (a typical edit: decide on the work's state, append with its version as the expected version; the state is the admin API's cached one once the work has been edited through it, else the stream read and folded from the store) spread round-robin over ${p.works} works, autocannon with N connections and no pipelining (each client waits for its answer). The admin API, outbox relay and projector run as child processes (\`node --max-old-space-size=192 dist/apps/…/main.js\`, the flags every deployment uses — scripts/app-node-args.ts — LOG_LEVEL=warn) against the scratch database and a dev Kafka broker started by the bench; the load generator runs on the same 2 cores. Latency is autocannon's per-response time of the 2xx answers.`,
      '',
    );
    const cpuCell = (c: Record<string, number> | undefined) =>
      c && Object.keys(c).length ? Object.entries(c).map(([name, ms]) => `${name} ${f(ms, 2)}`).join('; ') : 'n/a';
    const apiTable = (title: string, rows: typeof p.api) => {
      out.push(title, '');
      out.push('| clients | events per work, start → end | commands/s | p50 ms | p95 ms | p99 ms | non-2xx (per run) | CPU ms per command |', '|---|---|---|---|---|---|---|---|');
      for (const a of rows) out.push(`| ${a.clients} | ${a.eventsPerWork ? `${f(a.eventsPerWork.start, 1)} → ${f(a.eventsPerWork.end, 1)}` : 'n/a'} | ${f(a.median.commandsPerSecond)} | ${f(a.median.p50, 1)} | ${f(a.median.p95, 1)} | ${f(a.median.p99, 1)} | ${a.runs.map((x) => x.non2xx).join(', ')} | ${cpuCell(a.median.cpuMsPerCommand)} |`);
      out.push('');
    };
    if (p.apiAlone) {
      apiTable('**(2a) The admin API alone**: the relay and projector are started only after these runs (the outbox fills, then they drain it), so the API, its appends and the load generator have the 2 cores to themselves — what the API can take when the pipeline runs elsewhere, as in a deployment with more than one machine; on as many works again, of their own, so (2b) and (3) edit works with the same history as before this section existed.', p.apiAlone);
    }
    apiTable('**(2b) The whole system**: the relay and projector carry every command to Kafka and into the read models at the same time, on the same 2 cores; each run starts with the read models caught up.', p.api);
    out.push(
      'CPU ms per command: user + system CPU of each app process (/proc) and of the PostgreSQL backends serving each app\'s pool (by application_name, this database only), divided by the 2xx answers of the run (medians of the runs). The sum is what one command costs the machine; with 2 cores it bounds the commands per second.',
      '',
    );
    const bestOf = (rows: typeof p.api) => Math.max(...rows.filter((a) => a.median.p99 <= 50).map((a) => a.median.commandsPerSecond), 0);
    const best = bestOf(p.api);
    const bestAlone = p.apiAlone ? bestOf(p.apiAlone) : undefined;
    targets.push([
      '≥ 1,500 commands/s at p99 ≤ 50 ms',
      `best with p99 ≤ 50 ms: whole system ${f(best)} cmd/s${bestAlone === undefined ? '' : `; admin API alone ${f(bestAlone)} cmd/s`}`,
      best >= 1500 ? yes(true) : bestAlone !== undefined && bestAlone >= 1500 ? '**met by the API alone, missed by the whole system on 2 shared cores**' : yes(false),
    ]);

    out.push('## 3. End to end at fixed offered rates', '');
    out.push(
      'Open loop: commands sent on a fixed schedule (a slow answer does not slow the sender). For each 200/201 the bench polls `read_models.projection_streams` every 5 ms until the work\'s version there reaches the version the API answered (ETag); visible = first poll that sees it − the HTTP answer (so figures include up to ~5 ms of polling granularity). Path: admin API → events + outbox → relay (NOTIFY-woken) → Kafka (dev broker) → projector → read models.',
      '',
    );
    out.push(
      `Section 3 edits ${f(p.works)} works registered for it (their histories grow only during it), then runs the highest rate once more on the works (2b) edited, whose histories are as long as (2b) made them: the fold-based projector's cost per event grew with a work's history (section 6 measures whether the projection engine's still does), so the column *events per work* gives the mean history at the start of each row. The last row runs it again with a second projector instance started in the same consumer group (each takes 3 of the 6 partitions), the architecture's way to scale the projector, on the same 2 cores.`,
      '',
    );
    if (p.appendedHistory) {
      const h = p.appendedHistory;
      out.push(
        `The row *${E2E_WORKS.appendedHistory}* is the issue's "works of 1,000 events": run last, after the second projector instance is stopped (the first takes every partition back), on ${f(h.works)} works built to ${f(h.eventsPerWork)} events each — registered, then dated milestones decided by the work decider — by appending **straight to the event store** (bench/work-log.ts, ${f(h.events)} events in ${f(h.appendSeconds, 1)} s; through the API it would take far longer), the relay and projector then left to catch up (${f(h.catchUpSeconds, 1)} s after the last append), and one edit per work through the API before the row (${f(h.warmUpCommands)} commands), so the API holds each work's folded state as it does for the other rows' works. Then the rate as in the rows above.`,
        '',
      );
    }
    out.push('| offered cmd/s | works | events per work at start | achieved cmd/s | visible p50 ms | p95 ms | p99 ms | max lag ms | HTTP p99 ms | failed (per run) |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const e of p.e2e) out.push(`| ${e.offeredPerSecond} | ${e.works ?? 'as (2b)'} | ${f(e.eventsPerWorkAtStart, 1)} | ${f(e.median.achievedPerSecond)} | ${f(e.median.p50, 1)} | ${f(e.median.p95, 1)} | ${f(e.median.p99, 1)} | ${f(e.median.max, 1)} | ${f(e.median.httpP99, 1)} | ${e.runs.map((x) => (x.failed && x.failures ? `${x.failed} (${Object.entries(x.failures).map(([why, n]) => `${why}: ${n}`).join(', ')})` : String(x.failed))).join(', ')} |`);
    out.push('');
    const ok500 = (e: (typeof p.e2e)[number] | undefined) => (e ? e.median.p99 <= 100 && e.median.achievedPerSecond >= 475 : undefined);
    const at500 = p.e2e.find((e) => e.offeredPerSecond === 500 && e.works === E2E_WORKS.own);
    const at500Long = p.e2e.find((e) => e.offeredPerSecond === 500 && e.works === E2E_WORKS.longHistory);
    const at500LongTwo = p.e2e.find((e) => e.offeredPerSecond === 500 && e.works === E2E_WORKS.longHistoryTwoProjectors);
    const where500 = (e: (typeof p.e2e)[number] | undefined) => (e ? `${f(e.median.p99, 1)} ms (achieved ${f(e.median.achievedPerSecond)}/s, ${f(e.eventsPerWorkAtStart, 1)} events per work at the start)` : 'n/a');
    targets.push([
      'end-to-end p99 ≤ 100 ms at 500 cmd/s',
      `own works: ${where500(at500)}; works edited in (2b): ${where500(at500Long)}${at500LongTwo ? `; the same with 2 projector instances: ${where500(at500LongTwo)}` : ''}`,
      ok500(at500) && at500Long && !ok500(at500Long) ? `**met on works of short history, missed on works of ${f(at500Long.eventsPerWorkAtStart)} events**` : yes(ok500(at500) === undefined ? undefined : ok500(at500) && ok500(at500Long) !== false),
    ]);
    const appended = p.e2e.find((e) => e.works === E2E_WORKS.appendedHistory);
    if (appended) {
      targets.push([
        `end-to-end p99 ≤ 100 ms at ${appended.offeredPerSecond} cmd/s on works of 1,000 events, 1 projector`,
        `visible p50 ${f(appended.median.p50, 1)} ms, p99 ${where500(appended)}`,
        appended.offeredPerSecond !== 500 ? `${yes(ok500(appended))} (at ${appended.offeredPerSecond}/s, not 500)` : yes(ok500(appended)),
      ]);
    }

    out.push('## 5. Memory', '');
    out.push('Peak RSS of each app: the largest `VmRSS` sampled every 200 ms from /proc/<pid>/status during the phase, and `VmHWM` (the kernel\'s peak since the process started) at the end of the phase.', '');
    const appendedRss = p.rssMb.e2eAppendedHistory;
    out.push(
      `| app | peak RSS during (2), MB | VmHWM after (2), MB | peak RSS during (3), MB | VmHWM after (3), MB |${appendedRss ? ' peak RSS during (3) on works of 1,000 events, MB | VmHWM after it, MB |' : ''}`,
      `|---|---|---|---|---|${appendedRss ? '---|---|' : ''}`,
    );
    let worst = 0;
    // projector-2 runs only in the last rows of (3) before the row on works of 1,000 events.
    for (const name of new Set([...Object.keys(p.rssMb.api), ...Object.keys(p.rssMb.e2e)])) {
      const a = p.rssMb.api[name];
      const e = p.rssMb.e2e[name];
      const l = appendedRss?.[name];
      worst = Math.max(worst, a?.vmHwmMb ?? 0, e?.vmHwmMb ?? 0, p.rssMb.apiAlone?.[name]?.vmHwmMb ?? 0, l?.vmHwmMb ?? 0);
      out.push(`| ${name} | ${a ? f(a.sampledPeakRssMb) : '–'} | ${a ? f(a.vmHwmMb) : '–'} | ${e ? f(e.sampledPeakRssMb) : '–'} | ${e ? f(e.vmHwmMb) : '–'} |${appendedRss ? ` ${l ? f(l.sampledPeakRssMb) : '–'} | ${l ? f(l.vmHwmMb) : '–'} |` : ''}`);
    }
    out.push('');
    targets.push(['each app < 300 MB RSS', `largest VmHWM ${f(worst)} MB`, yes(worst < 300)]);
  }
  if (r.rebuild) {
    const b = r.rebuild;
    out.push('## 4. Rebuild and chain verification', '');
    out.push(
      `${f(b.eventsStored)} events stored (target ${f(b.eventsTarget)}${b.eventsStored < b.eventsTarget ? '; the populate step has a time budget and stopped there' : ''}): ${f(b.streams)} works × ${b.eventsPerStream} events (registration, then dated milestones), decided by the work decider so every event evolves and produces rows in project_status, timeline_entries and the other read models. ${b.reusedLog ? 'Stored by an earlier run and reused (`--reuse-db`).' : `Populated at ${f(b.populateEventsPerSecond)} events/s (appendMany, 1,000 events per transaction).`}`,
      '',
    );
    out.push('| replay | events | events/s |', '|---|---|---|');
    out.push(`| projector path: \`applyMessage\`, one transaction per event (time-bounded sample) | ${f(b.applyEventPerTransaction.events)} | ${f(b.applyEventPerTransaction.eventsPerSecond)} |`);
    out.push(`| \`applyRunInTransaction\`, 500 events per transaction — the projector's run and the swap's catch-up (time-bounded sample) | ${f(b.applyEventBatched500.events)} | ${f(b.applyEventBatched500.eventsPerSecond)} |`);
    out.push(
      `| the product's rebuild: \`rebuildAndSwap\` (\`npm run replay -- --all\`) — log read stream by stream in one snapshot, every stream stepped through the projection engine from nothing, every version of every row loaded by COPY while the next page is read, keys and indexes built after the load, then catch-up and swap | ${f(b.replay.events)} | ${f(b.replay.eventsPerSecond)} (waiting for the log ${f(b.replay.readSeconds, 1)} s, folding ${f(b.replay.foldSeconds, 1)} s, waiting for PostgreSQL ${f(b.replay.writeSeconds, 1)} s${b.replay.indexSeconds === undefined ? '' : ` of which indexes ${f(b.replay.indexSeconds, 1)} s`}, of ${f(b.replay.seconds, 1)} s; ${f(b.replay.rows)} rows; ${f(b.replay.nodeCpuSeconds, 1)} s CPU in the Node process${b.replay.postgresCpuSeconds === undefined ? '' : `, ${f(b.replay.postgresCpuSeconds, 1)} s in PostgreSQL`}${b.replay.peakRssMb === undefined ? '' : `; peak RSS ${f(b.replay.peakRssMb)} MB`}) |`,
    );
    if (b.verifyChainOneThread) {
      out.push(`| chain verification, \`npm run verify-chain\` (\`verifyChainStreaming\`: ${b.verifyChain.workers ?? '?'} worker threads each read and hash their share of the log in the verification's snapshot; every link checked in order) | ${f(b.verifyChain.events)} | ${f(b.verifyChain.eventsPerSecond)} (ok: ${b.verifyChain.ok}) |`);
      out.push(`| \`PostgresEventStore.verifyChain\` (the same checks, hashing in one thread) | ${f(b.verifyChainOneThread.events)} | ${f(b.verifyChainOneThread.eventsPerSecond)} (ok: ${b.verifyChainOneThread.ok}) |`);
    } else out.push(`| \`PostgresEventStore.verifyChain\` (recompute every hash, check every link) | ${f(b.verifyChain.events)} | ${f(b.verifyChain.eventsPerSecond)} (ok: ${b.verifyChain.ok}) |`);
    out.push('');
    out.push(
      "The rebuild row is `rebuildAndSwap` from libs/read-models (rebuild/), the code `npm run replay -- --all` runs, over the whole log with no live projector or writer: its events/s is every event stored divided by the whole call (creating the shadow schema, the first phase, the keys and indexes, the catch-up, the swap, the final row counts). Its first phase reads and folds at once: the next page of the log (stream by stream, in one REPEATABLE READ snapshot) is fetched while the previous one is stepped through the engine, and the row versions are sent by COPY whenever 8 MB are buffered. So the three figures are what held the Node process up, not phases one after the other: *waiting for the log* is time spent waiting for the next page, *folding* is stepping each event through the engine (upcast, the rule, every model's handlers, the versions) and building the COPY text, and *waiting for PostgreSQL* is time spent in the COPYs, then the keys and secondary indexes built after the load. The CPU seconds are the Node process's own (user + system) during the call and, where /proc shows them, those of the PostgreSQL backends serving it; unlike the wall clock they do not grow much when other processes compete for the 2 cores. The peak RSS is the bench process's during the call: the rebuild holds one stream's rows at a time, not the whole log's.",
      '',
    );
    const e = r.emmettRebuild;
    if (e) {
      const same = e.rebuild.events === b.replay.events;
      out.push(
        `**Emmett's projection rebuild**, measured in the same run on the same server: \`${e.package}\` ${e.version} \`${e.rebuild.api}\` over ${f(e.populate.events)} events of the same shape (${f(e.works)} works × ${e.eventsPerWork}: the work decider's registration, then milestones) stored in Emmett's own \`emt_messages\` in a scratch database of its own, populated by ${e.populate.method} (${f(e.populate.eventsPerSecond)} events/s; one caller because 0.42's consumer loses concurrently appended events — it reads in transaction order but checkpoints by global position — fixed upstream after 0.42). The model rebuilt is the comparable slice of \`project_status\`: ${e.rebuild.model}, an Emmett \`postgreSQLProjection\` run by Emmett's rebuild consumer (one transaction per batch, a checkpoint stored per event; batches of ${f(e.rebuild.batchSize)} events and ${e.rebuild.pullingFrequencyInMs} ms between them instead of the defaults 100 and 50 ms — the most favourable settings found).`,
        '',
        '| rebuild | what it rebuilds | events | seconds | events/s |',
        '|---|---|---|---|---|',
        `| reelwire \`rebuildAndSwap\` | every read model (${f(b.replay.rows)} rows) (every version of every row) from the hash-chained log read stream by stream, into a shadow schema, then swap | ${f(b.replay.events)} | ${f(b.replay.seconds, 1)} | ${f(b.replay.eventsPerSecond)} |`,
        `| Emmett \`${e.rebuild.api}\` | one table, one row per work (${f(e.rebuild.rows)} rows, check ${e.rebuild.rowsCheck ? 'ok' : 'FAILED'}), in place${e.rebuild.complete ? '' : '; **stopped by its time budget before the end**'} | ${f(e.rebuild.events)} | ${f(e.rebuild.seconds, 1)} (handler ${f(e.rebuild.handlerSeconds, 1)}) | ${f(e.rebuild.eventsPerSecond)} |`,
        '',
        `reelwire / Emmett: **${f(b.replay.eventsPerSecond / e.rebuild.eventsPerSecond, 1)}×**${same ? '' : ' (over different event counts)'}. Read it with its scope: reelwire does more work per event (all its read models, the gated read of a hash-chained log, the swap) and Emmett the narrower model${b.replay.eventsPerSecond > e.rebuild.eventsPerSecond ? ', so the ratio understates reelwire\'s lead rather than overstating it' : ''}; what separates them is the shape — reelwire folds in memory and writes each stream's rows once in bulk, Emmett runs one upsert and one checkpoint per event (*handler* is the time in the upserts; the rest is Emmett's batch reads, which scan \`emt_messages\` as it has no index on the read order, checkpoints and commits). Timings on a 2-core machine shared with other work are noisy.`,
        '',
      );
    } else {
      out.push("Emmett's projection rebuild (`rebuildPostgreSQLProjections`) was not measured in this run.", '');
    }
    targets.push(['rebuild ≥ 60,000 events/s', `\`npm run replay -- --all\` ${f(b.replay.eventsPerSecond)} ev/s over ${f(b.replay.events)} events`, yes(b.replay.eventsPerSecond >= 60_000)]);
  }
  if (r.projectorHistory) renderProjectorHistory(r.projectorHistory, out, targets);
  if (r.asOf) renderAsOf(r.asOf, out, targets);
  out.push('## Targets', '', '| target | where we land | |', '|---|---|---|');
  for (const [t, v, ok] of targets) out.push(`| ${t} | ${v} | ${ok} |`);
  out.push('');
  out.push(CHANGES);
  return `${out.join('\n')}\n`;
}

type Targets = Array<[string, string, string]>;

/** (6) The projector's CPU per event by the works' length of history. */
function renderProjectorHistory(h: ProjectorHistoryFigures, out: string[], targets: Targets): void {
  out.push('## 6. Projector CPU per event by history', '');
  out.push(
    `\`${h.command}\` (bench/projector-history.ts, ${h.runs.length} run${h.runs.length > 1 ? 's' : ''}, each on a fresh scratch database): ${f(h.works)} work streams, registered then edited with dated milestones (the work decider's events, as the relay publishes them${h.sameDate ? "; every milestone dated 2018-05 as the admin API benches' edits are, so each one becomes the card's latest milestone and every event changes the same rows whatever the history" : ''}), interleaved round robin as live edits are and applied **in process** through the projection engine's own path (\`applyRunInTransaction\`, ${f(h.run)} events per transaction, one connection) — not through the projector app and Kafka, to keep building ${f(h.works)} works to ${f(Math.max(...h.histories))} events affordable (${h.runs.map((r) => `${f(r.seconds)} s`).join(', ')} per run). First ${f(h.warmup)} unmeasured events on each of ${f(h.works)} other works (V8 compiles the engine there), then the works are built, unmeasured, to each history and ${f(h.measure)} more events per work are measured (${f(h.works * h.measure)} events per window): Node CPU of the apply calls and their commits (process.cpuUsage; the events are decided beforehand) and CPU of the connection's PostgreSQL backend (/proc, 10 ms ticks), per 1,000 events. Medians of the runs; the ratios are taken within each run, then their median.`,
    '',
  );
  out.push('| events of history per work (at the window\'s start) | events measured | Node CPU ms / 1k events | PostgreSQL CPU ms / 1k events | total CPU ms / 1k events | wall ms / 1k events |', '|---|---|---|---|---|---|');
  for (const m of h.median) out.push(`| ${f(m.history)} | ${f(m.events)} | ${f(m.nodeCpuMsPer1k, 1)} | ${f(m.pgCpuMsPer1k, 1)} | ${f(m.totalCpuMsPer1k, 1)} | ${f(m.wallMsPer1k, 1)} |`);
  const rt = h.ratio;
  out.push(`| **${f(rt.longest)} vs ${f(rt.shortest)}** | | **${f(rt.node, 2)}×** | **${f(rt.postgres, 2)}×** | **${f(rt.total, 2)}×** | |`);
  out.push('');
  if (h.runs.length > 1) out.push(`Ratio of total CPU per run: ${rt.perRun.map((r) => `${f(r.total, 2)}×`).join(', ')} (Node ${rt.perRun.map((r) => `${f(r.node, 2)}×`).join(', ')}; PostgreSQL ${rt.perRun.map((r) => `${f(r.postgres, 2)}×`).join(', ')}).`, '');
  targets.push([
    `projector CPU per event at ${f(rt.longest)} events of history ≤ 1.3× at ${f(rt.shortest)}`,
    `${f(rt.total, 2)}× (Node ${f(rt.node, 2)}×, PostgreSQL ${f(rt.postgres, 2)}×): ${f(h.median.find((m) => m.history === rt.longest)?.totalCpuMsPer1k, 1)} vs ${f(h.median.find((m) => m.history === rt.shortest)?.totalCpuMsPer1k, 1)} ms CPU per 1,000 events, in process, ${f(h.works)} works`,
    yes(Number.isFinite(rt.total) ? rt.total <= 1.3 : undefined),
  ]);
}

/** (7) As-of reads through the admin API on a long log. */
function renderAsOf(a: AsOfSectionFigures, out: string[], targets: Targets): void {
  const kinds = Object.keys(a.median.sequential) as Array<keyof AsOfSectionFigures['median']['sequential']>;
  out.push(`## 7. As-of reads on a log of ${f(a.events)} events`, '');
  out.push(
    `\`${a.command}\` (bench/as-of.ts). The log: ${f(a.works)} works registered, then edited with dated milestones (the work decider's events) in rounds of 5 events per work until it holds ${f(a.events)} events (${f(a.eventsPerWork)} per work), appended straight to the event store (bench/work-log.ts, ${f(a.populate.eventsPerSecond)} events/s), so every work's history runs through the whole log. The read models — every version of every row — are loaded by the product's rebuild (\`rebuildAndSwap\`, ${f(a.rebuild.seconds, 1)} s, ${f(a.rebuild.rows)} row versions of which ${f(a.rebuild.projectStatusRows)} in project_status and ${f(a.rebuild.timelineRows)} in timeline_entries), then ANALYZEd. The admin API runs as a child process with the apps' flags (\`node ${a.api.nodeArgs.join(' ')} dist/apps/admin-api/src/main.js\`) and is asked with the auditor's dev key: each request takes a random position of the log (uniform over its events) — for \`asOf\`, the recordedAt of the event there, rounded up to the millisecond — and, for a card or a timeline, a random work registered by then; the list is its first page (20 projects by title). Latency is the client's, from sending the request to reading the whole answer, on a keep-alive connection.`,
    '',
    `*Sequential*: ${f(a.requestsPerKind)} requests of each kind per run, one at a time, the kinds interleaved. *Concurrent*: ${f(a.runs[0]?.concurrent.concurrency)} requests in flight for ${f(a.runs[0]?.concurrent.seconds)} s, kinds drawn at random. ${a.runs.length} run${a.runs.length > 1 ? 's' : ''} on the same log; medians of the runs' p50 and p99.`,
    '',
  );
  const target = (kind: string) => (kind.startsWith('list') ? 100 : 50);
  out.push(`| read | sequential p50 ms | sequential p99 ms | target p99 | ${f(a.runs[0]?.concurrent.concurrency)} concurrent p50 ms | ${f(a.runs[0]?.concurrent.concurrency)} concurrent p99 ms |`, '|---|---|---|---|---|---|');
  const route = (kind: string) => {
    const [what, view] = kind.split(' ');
    const path = what === 'card' ? '/projects/{id}' : what === 'timeline' ? '/projects/{id}/timeline' : '/projects';
    return `\`GET ${path}?${view}=\``;
  };
  for (const k of kinds) {
    const s = a.median.sequential[k];
    const c = a.median.concurrent.byKind[k];
    out.push(`| ${route(k)} | ${f(s.p50, 1)} | ${f(s.p99, 1)} | ≤ ${target(k)} ms | ${f(c.p50, 1)} | ${f(c.p99, 1)} |`);
  }
  out.push(`| all six, concurrent | | | | ${f(a.median.concurrent.p50, 1)} | ${f(a.median.concurrent.p99, 1)} |`, '');
  const cpuApi = median(a.runs.map((r) => r.concurrent.apiCpuMsPerRequest ?? NaN));
  const cpuPg = median(a.runs.map((r) => r.concurrent.postgresCpuMsPerRequest ?? NaN));
  const non200 = a.runs.map((r) => {
    const all = { ...r.sequentialNon200 };
    for (const [k, v] of Object.entries(r.concurrent.non200)) all[k] = (all[k] ?? 0) + v;
    return Object.keys(all).length ? Object.entries(all).map(([k, v]) => `${k}: ${v}`).join(', ') : '0';
  });
  out.push(
    `Under ${f(a.runs[0]?.concurrent.concurrency)} concurrent requests: ${f(a.median.concurrent.requestsPerSecond)} requests/s (median of the runs); CPU per request: admin API ${f(cpuApi, 2)} ms, its PostgreSQL backends ${f(cpuPg, 2)} ms. Answers other than 200 (per run, both parts): ${non200.join('; ')}. The admin API ${a.api.alive ? 'stayed up' : '**did not stay up**'} (${f(a.api.serverErrors)} 5xx; process ${a.api.alive ? 'alive' : 'gone'} at the end); its peak RSS: VmHWM ${f(a.api.vmHwmMb)} MB (largest 200 ms sample during the concurrent parts ${f(a.api.sampledPeakRssMb)} MB), against the 300 MB target, with its heap capped at ${f(a.api.heapCapMb)} MB (\`--max-old-space-size\`).`,
    '',
  );
  const onLog = a.events >= 1_000_000 ? '' : ` — on a log of ${f(a.events)} events, not the target's 1,000,000`;
  const worst = (match: (k: string) => boolean, from: 'sequential' | 'concurrent') =>
    Math.max(...kinds.filter(match).map((k) => (from === 'sequential' ? a.median.sequential[k].p99 : a.median.concurrent.byKind[k].p99)));
  const cardTimeline = worst((k) => !k.startsWith('list'), 'sequential');
  const list = worst((k) => k.startsWith('list'), 'sequential');
  const cardTimelineConcurrent = worst((k) => !k.startsWith('list'), 'concurrent');
  const listConcurrent = worst((k) => k.startsWith('list'), 'concurrent');
  targets.push([
    `as-of p99 ≤ 50 ms: status card and timeline, on a log of 1,000,000 events`,
    `worst of \`?asOf=\` / \`?asOfPosition=\`: ${f(cardTimeline, 1)} ms sequential; ${f(cardTimelineConcurrent, 1)} ms with ${f(a.runs[0]?.concurrent.concurrency)} in flight${onLog}`,
    `${yes(cardTimeline <= 50)}${onLog ? ' (smaller log)' : ''}`,
  ]);
  targets.push([
    `as-of p99 ≤ 100 ms: /projects, on a log of 1,000,000 events`,
    `worst of \`?asOf=\` / \`?asOfPosition=\`: ${f(list, 1)} ms sequential; ${f(listConcurrent, 1)} ms with ${f(a.runs[0]?.concurrent.concurrency)} in flight${onLog}`,
    `${yes(list <= 100)}${onLog ? ' (smaller log)' : ''}`,
  ]);
  targets.push([
    `admin API stays up under ${f(a.runs[0]?.concurrent.concurrency)} concurrent as-of requests, < 300 MB RSS`,
    `${a.api.alive ? 'alive' : 'gone'}, ${f(a.api.serverErrors)} 5xx, VmHWM ${f(a.api.vmHwmMb)} MB (heap cap ${f(a.api.heapCapMb)} MB)`,
    yes(a.api.alive && a.api.serverErrors === 0 && a.api.vmHwmMb < 300),
  ]);
}

const CHANGES = `## What changed to get here, and what is left

Each step below was chosen from a measurement or a \`node --cpu-prof\` profile (\`npm run bench -- --profile\` writes
the apps' profiles to bench-profiles/) and is covered by tests against real PostgreSQL and Kafka.

- **One projection engine** (libs/read-models README; \`migrations/0008-projection-engine.sql\`). The projector used to
  re-read, re-fold and re-write each stream's whole folded state per event and diff all its rows, so the cost of an
  edit grew with the project's history; five event→row paths, a heap-sized snapshot cache, \`StateJson\`, lz4
  snapshot columns and in-place folds in libs/domain kept it affordable, and \`?asOf=\` folded the whole log into
  temporary tables per request. Every read model is now a set of pure per-event handlers that read and write a few
  rows by key; one engine applies them live, in rebuilds and in verification; rows are system-versioned (each table's
  current rows, updated in place, and its history), so as-of is an indexed query. The steps below about the snapshot
  cache, \`StateJson\`, the batch path, the row diff, the bulk rebuild fold and \`evolveOwning\` describe that
  replaced core: none of it exists any more. Section 6 measures the cost per event by history, section 7 as-of reads.
  Two things the first version of the engine got wrong and the history bench found: loading a run's rows by key OR by
  stream in one statement scanned tables that grow with the log (now two index lookups), and keeping open and closed
  versions in one table made every edit a new tuple and new index entries that lookups by key walked (now current
  rows and their history, the current tables with room for HOT updates). The rebuild writes every version of every
  row (about three per event in this bench's log) where the old one wrote each stream's final rows once, and steps
  each event through every model's handlers; it is slower per event than the old bulk fold (section 4), and what is
  left there is Node's CPU per event (handlers, COPY text) with the COPY overlapped.
  After this run, section 7's card and list were found to pay for a plan, not for the data: the as-of view kept its
  interval test inside each UNION ALL branch, which stops PostgreSQL from flattening it, so a join to it (the card's
  stream version) hashed every row version true at the position instead of looking up one key (EXPLAIN ANALYZE on
  section 7's log: 327 ms for one card, 3.9 ms with the test outside the union; the queries in process on that log, 150 random positions each, before
  and after, with the 2 cores shared by other work at load 10: card p50 341.6 → 13.2 ms, p99 612.5 → 58.4 ms; list
  p50 610.4 → 69.4 ms, p99 1,161.7 → 308.8 ms). Section 7's table predates that fix. Section 7 re-run alone after
  it (\`node dist/bench/as-of.js\` with the flags above, at e7ba4a1, medians of 3, quiet machine), \`?asOf=\` /
  \`?asOfPosition=\`:
  - sequential p99: card 25.2 / 18.5 ms, timeline 19.4 / 15.7 ms (both targets met), /projects 267.2 / 242.2 ms
    (p50 28.4 / 24.9 ms; target missed);
  - 8 in flight: 70.7 requests/s (15 before); p99 card 194.6 / 142.9 ms, /projects 1,723.7 / 1,971.7 ms;
  - the API stayed up: 0 5xx, VmHWM 146 MB.

  The list's p99 comes from old positions. Its current-table branch walks the title index until it finds 20 rows
  opened before the position. An index on \`valid_from\` there would end the HOT updates that keep an edit cheap.
- **Domain: immutable again.** The fact index (\`factsByEventId\`) is a persistent list (one node per fact, older
  nodes shared), so recording a fact is O(1) without writing in place; the admin API folds with the plain evolve.

- **Event store: one statement per append** (libs/event-store README; \`migrations/0004-single-statement-append.sql\`).
  An append used to be six round trips (BEGIN, idempotency claim, stream locks, chain lock + positions, insert,
  COMMIT) with the global chain lock held across three of them, so the network and Node's event loop sat inside the
  chain's critical section. \`event_store_append\` now does all of it in the database in one autocommit statement: per
  call, in its own subtransaction, the idempotency claim, the stream locks in id order and the expected-version check;
  then the chain lock, positions, the chain hashes (Node sends each event's canonical JSON cut around the four values
  only known under the lock; the database joins and hashes them, byte for byte what \`eventHash\` computes, so
  verification and exports are unchanged), events, outbox rows, stream versions, chain head and idempotency answers.
  Group commit sends every call queued behind a statement in the next one. The events travel as one JSON document
  (escaping text arrays cost more than the rest of an append), and the outbox's foreign key, a trigger lookup per row,
  is gone (the same statement writes both sides). Batched appends remain below Emmett: per event the chain hash, a
  second table (the outbox) and the transaction-id column cost what Emmett's messages table does not pay.
- **Event store: append throughput** (\`migrations/0006-append-throughput.sql\`, libs/event-store README "Group commit").
  Per event, Node spent ~57 µs (canonical JSON, then JSON-escaping the hash parts) and the database parsed each
  event's content twice (as JSON, and again as escaped hash parts); with group commit, one statement at a time
  serialized all of it. Now an event's content travels once, as the pieces of its canonical hash text (the canonical
  JSON of data and metadata is what the row stores: same values, same hashes), Node prepares a call when it is made
  rather than when its group is sent, the canonical writer is several times cheaper, a statement of one event reads
  the head, hashes and writes its rows in one query, and a stream takes one query. Group commit: groups of up to 500
  events, and full groups go while others are in flight (at most 4, never two on one stream or idempotency key, so
  per-stream order holds). What is left is the chain lock itself: sampled during batched appends, ~2.3 of 4 backends
  wait on it while the holder inserts rows and commits.
- **Admin API: a per-stream state cache** (apps/admin-api \`StreamStateCache\`, 1,024 streams: ≈28 MB on works of 50 edits, ≈60 MB on works of 110).
  Every command read and folded its whole work stream. It now decides on the remembered state and appends with its
  version as the expected version; a stale entry (another instance wrote) is refused by the database, dropped, and the
  command decided again on the stored stream — no answer that depends on state is ever given from the cache alone
  (\`stream-state-cache.int-spec.ts\` runs two API instances on one database). The request is hashed only when an
  Idempotency-Key is sent, the request-log serializers stopped copying every header, and writes beyond 256 in flight
  are answered 503 problem+json with Retry-After (\`COMMANDS_IN_FLIGHT_LIMIT\`) instead of queueing without bound.
  With the API alone against PostgreSQL at 64 clients its CPU per command fell from 1.1–1.2 ms to 0.70–0.73 ms. What
  was left was mostly the framework: Node's HTTP and sockets plus express routing ≈34% of the API's CPU, Nest + rxjs
  ≈10%, GC ≈9%, class-validator/class-transformer ≈7%, logging ≈6% (nestjs-pino's AsyncLocalStorage put a hook on
  every promise), the event store ≈4%.
- **Admin API: Fastify instead of Express** (\`apps/admin-api/src/http/fastify-http.ts\`). The API runs on
  @nestjs/platform-fastify and answers as it did on Express (body-parser's strict JSON and its messages, other content
  types ignored, the 100 KiB limit, weak ETags and 304, trailing slash and letter case ignored, problem+json for every
  error; the e2e tests are unchanged). The request log line (pino-http's format) is written from an onResponse hook by
  the app's own pino logger — no nestjs-pino, so no AsyncLocalStorage and no child logger per request — and the same
  hook times requests for the metrics instead of an rxjs interceptor; class-validator's rule lookup per DTO class is
  memoized. Measured with both builds running side by side against one PostgreSQL, the closed-loop load alternating
  between them every 2 s (12 pairs, medians of the pairs, machine shared with other benchmarks at load 5–7): CPU per
  command ×0.40 at 16 clients and ×0.37 at 64 clients (1.29 → 0.53 ms and 1.16 → 0.45 ms there), commands per second
  ×1.8 and ×2.0. What the API's profile shows now: syscalls (writev to PostgreSQL and the sockets) ≈16%,
  validation (class-validator, validator.js, class-transformer, Nest's ValidationPipe) ≈14%, libs/domain ≈10% (the
  state copies grow with a stream), Fastify + Nest (routing, guards, pipes) ≈11%, the event store ≈8%, GC ≈8%.
- **Projector: row-level diffs and a snapshot cache** (libs/read-models README). A batch used to rewrite every row of
  every touched stream — a work's whole timeline for one new milestone. It now diffs each stream's rows before and
  after by primary key and upserts/deletes only what changed; the states it wrote stay in memory while the snapshot
  row still carries that write's \`updated_at\` (anything else — a rollback, another projector, a rebuild swap — makes
  it read the row); snapshots are locked without rewriting them, states are parsed once and stored lz4-compressed
  (migration 0005); up to 3 partitions are applied side by side. Projector alone (\`node dist/bench/projector.js\`):
  501 vs 128 events/s on 75–80-event streams, lag at 500 events/s p99 446 ms vs 3,279 ms.
- **Rebuild: fold in memory, write once with COPY** (libs/audit README, "Replay"). \`npm run replay\`'s first phase
  used the projector's batch path. It now reads the log once through the gate in 10,000-event pages, folds it with
  the projector's own rule (\`projectEvent\`), writes each stream's rows and snapshot once with COPY and builds the
  secondary indexes after the load; a stream whose rows cannot be written is applied event by event so its dead letter
  lands as it did live; catch-up and swap are unchanged. The previous report's ≈1,000 events/s for the batch path and
  the "≈10% fewer events read" came from one bench bug: the page query sorted by the text alias \`global_position\`
  ("10" before "9"); fixed. Profile of a 200,000-event rebuild: ≈30% waiting on PostgreSQL, ≈20% GC, ≈8% the work
  aggregate's \`withFact\` (the domain copies the whole fact map per event, so a stream's fold is quadratic in its
  length), ≈5% COPY fields, ≈4% row parsing; snapshots are the largest write (≈7 KB of state per 20-event work).
- **Rebuild: read, fold and write overlap** (libs/audit README, "Replay"). The first phase used to read and fold the
  whole log, then write it (19,670 events/s on 1M events, 51 s: read 7.2, fold 18.7, write 24.7 s, 48.9 s of Node
  CPU, 1.65 GB RSS). Now: the \`streams\` versions are read with the head, and a stream is written by COPY the moment
  its last event is folded, on two connections (rows, snapshots), committed every 16 MB (a long load transaction
  held every gated reader — the outbox relay too — for the whole rebuild), while the fold goes on; the fold keeps
  only the streams it is in the middle of. Events are read without their metadata where the fold cannot depend on it
  (half of each event's bytes); the page query no longer sorts a 10 MB page; the work's fact map is copied as a hash
  table instead of a spread (each event id made a new hidden class); COPY text is written straight into buffers.
  \`createShadowSchema\` did not copy the column compression: every swap put \`projection_snapshots.state\` back from
  lz4 (migration 0005) to pglz, and compressing the states with pglz was ≈27% of the load's PostgreSQL time. Same
  machine, before and after run alternately while other work loaded it (load average 4–7.5): 6,400–11,300 events/s
  before, 26,400–38,000 after (3.3–4.3×); at load ≈2, 42,000–44,000 events/s (1M events in 23–24 s, ≈18 s Node CPU,
  ≈16 s PostgreSQL CPU, ≈285 MB peak RSS against 1.9 GB before).
  \`npm run verify-chain\` reads and hashes in worker threads, each reading its share of the log in the
  verification's exported snapshot: 45,400–52,600 events/s against 31,500–31,700 in one thread, same hours.
- **Memory: a heap cap for every app** (scripts/app-node-args.ts; \`npm start\`, the \`start:*\` scripts,
  docker-compose.yml and this bench use it). After a mark-compact the admin API's live heap is ≈40 MB, yet its RSS
  reached 346–400 MB in the previous full run: V8 sized its limit from the machine's 24 GB (≈4.3 GB) and let the old
  generation grow to 3–4× the live heap between full collections, filled by request objects promoted while requests
  wait on PostgreSQL (≈210 KB allocated per command). \`--max-semi-space-size\` 32/64 raised the peak (300/332 MB), 8
  lowered it to 244 MB for more GC time; \`--max-old-space-size=160\` held it at 165 MB in a quick run. Every app now
  runs with \`--max-old-space-size=192\`: more than 1.5× the largest live heap we can account for (admin API ≈40 MB
  + ≈28 MB state cache on works of 50 edits + ≈50 MB for 256 writes in flight). The projector's snapshot cache is now bounded by weight
  (24 million characters of state) as well as by count, so long works cannot push it past the cap. The price, measured
  against the previous full run without the cap (commit 7f71f62, same machine, quiet): more frequent full collections
  cost the admin API ≈17–20% of its throughput at 16 and 64 clients (763 → 615 and 880 → 728 cmd/s) and doubled p99
  at 16 clients (45 → 91 ms); end-to-end p99 at 500/s went from 167 to 189 ms. We keep the cap: an editorial desk's
  load is far below either figure, and a service that stays inside its memory is what a deployment can plan for. The rebuild CLI is
  not capped: it used to hold every stream's state while it folded (1.65 GB RSS for 50,000 works); it now writes a
  stream when its last event is folded and keeps only the streams it is in the middle of (300–480 MB peak RSS in the bench's process, see
  section 4; a log whose streams all run to its end still holds them all).
- **Rebuild: fact maps written in place, primary keys built after the load** (libs/domain \`evolveOwning\`,
  libs/read-models \`ProjectionFold\`, libs/audit). Every evolve copied the stream's whole fact map to add one entry,
  so folding a stream was quadratic in its length (≈12% of the rebuild's Node CPU). The rebuild's fold keeps only each
  stream's newest state, so it now owns that map: \`withEntry\` adds to it in place inside \`evolveOwning\` (taken back
  if evolve throws), and any state the fold hands out is never written again; every other caller (the admin API, the
  projector, as-of) still gets copies. \`evolveWork\` stamps the version on the state it just made instead of copying
  it again. The tables are loaded without their primary keys and the keys built from the loaded rows (a duplicate
  key falls back to the event-by-event path, as a refused COPY did). \`rebuildAndSwap\` alone, 1M events, old and new
  alternated (4 pairs, load 1.4–2.5): 55,678 → 60,645 events/s, Node CPU 15.0 → 13.3 s, PostgreSQL 12.0 → 10.8 s.
- **Bench: the admin API alone, and CPU per command** (bench/pipeline.ts). The closed loop ran with the relay and the
  projector on the same 2 cores, so its figures mixed what the API can take with what the pipeline behind it costs.
  Section 2 now has both: the API alone (the relay and projector start after those runs and drain the outbox), then
  the whole system; each row gives the CPU milliseconds per command of every process and of the PostgreSQL backends
  of each app's pool.
  Section 3 now edits works registered for it and adds a row on (2b)'s works: with the API faster, (2b) gave its
  works about twice the history of the previous report's run before section 3 started on them, and the end-to-end
  figures then measured that history more than the pipeline (a full run at this stop, before the change: 500/s
  visible p50 0.8–1.5 s, p99 2.0–3.3 s on works of ~85 events; 200/s p50 13–17 ms).
- **Projector: fewer, prepared statements; one transaction for the partitions consumed side by side**
  (apps/projector, libs/read-models \`applyEventsInTransaction\`). \`perf\` on the projector's PostgreSQL backends
  showed ≈45% of their CPU parsing, analysing and planning: a batch sent 9 statements, each planned afresh. It now
  takes 4 round trips (BEGIN with the apply lock; the snapshot locks, rows created only for new streams; one
  statement with every upsert, the snapshot update and the checkpoint; COMMIT), the two with parameters prepared
  once per connection; the states travel as one newline-separated text instead of a quoted \`text[]\`; Kafka offsets
  are committed at most once a second (the projector resumes from its PostgreSQL checkpoints; Kafka's offsets are
  for monitoring); and the runs of up to 3 partitions that kafkajs hands over at once share one transaction, with a
  checkpoint per partition (if it fails, each run is applied on its own, so a poison event holds up only its own
  partition). The batch path alone, same events: 1,387 → 734 ms of CPU per 1,000 events (Node 594 → 432,
  PostgreSQL 793 → 302).
- **Outbox relay: one prepared statement per batch, batches at least 5 ms apart** (apps/outbox-relay). A batch took
  four statements (the gated read, the mark, a read that came back empty, a backlog count), and with a NOTIFY per
  append the relay sent 1–4 events per Kafka request. Now the statement that reads the next batch also marks the one
  Kafka acknowledged (its snapshot predates the mark, so it leaves those rows out by position), it is prepared on
  the lock session, and its index scan starts after the highest position this session published (it walked every
  dead index entry the marks leave; the gate means nothing unpublished can appear below it, and every new session
  and quiet poll starts from 0 again); reads start at least \`RELAY_MIN_BATCH_INTERVAL_MS\` (5) apart, an event after
  a quiet spell at once. The relay's PostgreSQL CPU per event 0.48–0.55 → 0.09–0.10 ms (relay alone at 1,000
  events/s); its own CPU did not move (kafkajs allocates zero-filled buffers per record and header, ≈35 µs per event).
- **Gate: readers no longer wait for read-model applies** (libs/event-store README, "The gate"). The horizon of every
  position-ordered read left out only other databases' transactions, so every event committed while the projector
  had a transaction open waited for its commit, and the relay's lag tracked the projector's batch time. Apply
  transactions hold the shared apply lock and never append; the horizon now leaves them out too. A reader polling
  behind 300 appends/s with 40 ms apply transactions back to back: lag p50 23–24 → 6 ms, p99 48–50 → 14–16 ms.
- **Projector: snapshot text and cache** (libs/read-models \`StateJson\`, \`SnapshotCache\`). A batch stringified each
  touched stream's whole state (30% of the projector's CPU at 80 events per work), and the cache of written states,
  24 million characters and least-recently-written eviction, missed 87–91% of the time on round-robin edits of 1,000
  long works. A state's JSON is now built from the previous state's text plus what was appended; the cache takes a
  fifth of the heap (measured 3.7 bytes per state character; 12% since, below) and evicts a random stream; a transaction is bounded by
  the weight of the states it touches (4 million characters), not only by message count, since 600 long streams in
  one shared transaction had taken the RSS to 346 MB. Draining 1,000 works × 150 events (bench/projector-history.ts
  --app): peak RSS 337–347 → 284–285 MB; CPU per event on long histories in the capped app about the same (its GC
  grew with the bigger cache), −6 to −30% in process.
- **Admin API: commands on one stream take turns** (apps/admin-api \`StreamTurns\`): concurrent edits without
  If-Match on one instance are all recorded, instead of some answering 409 after the handler's one retry.
- **Event store: the next group goes while one is in flight** (\`PostgresEventStore\` option \`eagerGroupsInFlight\`,
  default 2; libs/event-store README "Group commit"). While a statement was in flight, group commit held the next
  calls back until they filled a group of 500 events, so with 4 writers of 100-event calls nothing overlapped the chain
  lock's holder and group commit was slower than none (the previous report: 19,238 vs 25,758 events/s, 0.64× Emmett).
  Now a second statement goes with whatever is queued, so the next append is parsed, its streams locked and its rows
  built while the lock's holder commits: batched 100 × 4 at 0.87× Emmett and 61% of the ceiling in this run (0.97× and
  62% in a full run an hour earlier).
- **Projector: a smaller snapshot cache** (\`SNAPSHOT_CACHE_HEAP_SHARE\` 20% → 12% of the heap). The previous report's
  projector peaked at 304 MB. bench/projector-history.ts --app on 1,000 works of 110 edits (40,000 characters of state
  each): the CPU per event did not depend on the cache — 1.59, 1.64, 1.57 and 1.85 ms at 1%, 12%, 20% and 35% of the
  heap — because those states are three times what any of them holds, while the peak RSS did (190, 252, 277–287 and
  310 MB); on 300 such works, which a large cache holds, 0.53, 0.48 and 0.44 ms. This run: 263 MB.
- **Admin API: folds extend a stream's fact map instead of copying it** (\`foldState\` with the domain's
  \`evolveOwning\`; \`StreamStateCache\` keeps the owner of each state's map). The API alone got slower as its works'
  histories grew (0.49 → 0.72 ms of CPU per command over the three 64-client runs of the previous report). Its profile
  on works of 150–200 edits: GC ≈29%, copying the fact map per folded event (\`withEntry\`, \`setOwn\`) ≈13% — every
  command copied its work's map to evolve the remembered state, every read of a stream folded it quadratically, and
  each copy became old-generation garbage once the next edit replaced it. Now the command holding the stream's turn
  folds its appended events into the remembered state's map in place once the append has succeeded (it replaces the
  entry, so no one uses the older state; a refused command folds nothing), and folds from the store extend their own
  maps. \`node dist/bench/api-history.js\` (1,000 works built to 150 edits, 64 clients, two 10 s runs, the API profiled):
  2,511 and 1,966 → 2,926 and 2,701 commands/s, 0.48 and 0.66 → 0.39 and 0.44 ms of API CPU per command; GC ≈29% →
  ≈19% of its profile.
- **Bench: what each level edits.** Section 2's levels run one after another on the same works, so each edits longer
  histories than the one before; the tables now give the mean history at the start and end of each level. Section 3
  runs its long-history row a second time with a second projector instance in the consumer group.
- **What is left, by target:** append ≥ 1.5× Emmett: batched, the chain lock (every append holds it through its
  commit, so the inserts of the event, its outbox row and their indexes are serialized, where the ceiling's writers
  run in parallel); Emmett itself runs at 0.6–0.75 of the ceiling, so 1.5× Emmett batched would be above the ceiling
  here. One writer: a serial append costs ≈0.55 ms (≈0.12 ms in Node, ≈0.3 ms in PostgreSQL, the rest the commit's
  flush), the ceiling's single INSERT ≈0.37–0.44 ms and Emmett's append ≈0.75 ms, so 1.5× Emmett would need an
  append within ≈10% of a bare INSERT while it also takes the locks, hashes the chain and writes the outbox.
  The whole system's commands/s at p99 ≤ 50 ms: every command costs the 2 cores the API, the relay, the projector
  and PostgreSQL for each (section 2's CPU column); the relay's own CPU is kafkajs's per-record work, the projector's
  and the API's are spread thin over the framework, validation and libs/domain, and both grow with a work's history
  (the API alone, this run: 0.31 ms per command on works of 20–172 events, 0.43 ms on works of 172–236; before
  its folds stopped copying fact maps, 0.35 and 0.6 ms on works of 19–156 and 156–207).
  End to end at 500/s: met on works of short history; on works of ~110 events the projector falls behind. A batch
  touching a stream whose state is not in the snapshot cache reads and parses its whole state (40,000 characters at
  110 events), builds the rows of its state before and after, diffs them and writes the whole new state back: at
  1,000 such works 1.6 ms of Node CPU and 0.35 ms of PostgreSQL per event, whatever the cache's size, against ≈0.5 ms
  when the cache holds them all — and holding 1,000 long works (≈150 MB of states, rows and text) does not fit the
  300 MB target. A second projector instance on the same 2 cores took the p99 from 4.3 s to 1.9 s. What would make a
  long stream's event cost what a short one's does is structural: a snapshot row written every N events with the
  events since (instead of the whole state every batch), and rows derived from the event rather than from the whole
  state.
  Rebuild: one JavaScript thread folds and serializes while PostgreSQL loads and checks JSON on the other core.

Reproduce: \`npm run bench\` (full, ~30 min: ~11 of them Emmett's populate and rebuild, ~6 waiting for the relay and projector to drain (2a)'s backlog) or \`npm run bench -- --quick\` (~5 min); \`-- --only=append,pipeline,rebuild\`
selects sections, \`-- --profile\` writes \`node --cpu-prof\` profiles of the three apps to bench-profiles/. For the
rebuild, \`-- --reuse-db\` keeps the scratch database and reuses the log an earlier \`--reuse-db\` run stored there
(skipping the populate), \`-- --skip=emmett,apply\` leaves out Emmett's rebuild and the apply samples, \`-- --skip=appended\` the
end-to-end row on works of 1,000 events; \`-- --only=projector-history,as-of\` runs sections 6 and 7 alone.
`;
