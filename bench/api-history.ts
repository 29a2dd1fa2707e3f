/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/api-history.js [--works=1000] [--history=150] [--clients=64]
 * [--seconds=10] [--runs=2]`: the admin API alone on works of long history. Writes nothing to docs/; prints its
 * figures (and one JSON line on stdout).
 *
 * The API runs as a child process with the apps' node flags (scripts/app-node-args.ts; add more with API_NODE_ARGS,
 * e.g. `--cpu-prof --cpu-prof-dir=<dir>`). `--works` works are registered and edited through it, round robin, until
 * each has `--history` events; then `--runs` closed-loop runs of `--seconds` with `--clients` autocannon connections
 * edit them further (POST /works/:id/milestones, the typical edit of bench/pipeline.ts). Each run reports commands/s,
 * p99 and the API process's CPU per command. Section 2 of `npm run bench` edits works whose histories grow from one
 * level to the next; this holds the history fixed, to see what a command costs on a long stream.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import autocannon from 'autocannon';
import { APP_NODE_ARGS } from '../scripts/app-node-args.js';
import { EDITOR, milestoneBody, requestJson, workRegistrationBody } from './admin-api-requests.js';
import { argument, BENCH_API_ENV, cpuSecondsOf, dropDatabase, freePort, freshDatabase, log, round, runScript, startApp, summarize } from './support.js';

const arg = (name: string, fallback: number) => Number(argument(name, String(fallback)));

async function main(): Promise<void> {
  const works = arg('works', 1000);
  const history = arg('history', 150);
  const clients = arg('clients', 64);
  const seconds = arg('seconds', 10);
  const runs = arg('runs', 2);
  const url = await freshDatabase();
  const port = await freePort();
  const api = startApp('admin-api', 'dist/apps/admin-api/src/main.js', { ...BENCH_API_ENV, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' }, [
    ...APP_NODE_ARGS,
    ...(process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const inParallel = async (total: number, one: (index: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < total) await one(next++);
    }));
  };
  try {
    await api.waitFor(/listening/);
    const ids = Array.from({ length: works }, () => randomUUID());
    const t0 = performance.now();
    await inParallel(works, async (i) => {
      const { status, body } = await requestJson(agent, port, 'POST', '/works', workRegistrationBody(ids[i]!, `Bench ${i}`));
      if (status !== 201) throw new Error(`POST /works: ${status} ${body}`);
    });
    await inParallel(works * (history - 1), async (i) => {
      const { status, body } = await requestJson(agent, port, 'POST', `/works/${ids[i % works]}/milestones`, milestoneBody());
      if (status !== 200) throw new Error(`POST /works/:id/milestones: ${status} ${body}`);
    });
    log(`api-history: ${works} works built to ${history} events each in ${round((performance.now() - t0) / 1000, 1)} s`);
    const figures: { run: number; eventsPerWorkAtStart: number; commandsPerSecond: number; p99: number; cpuMsPerCommand: number }[] = [];
    let next = 0;
    let edited = 0;
    for (let run = 1; run <= runs; run++) {
      const cpu0 = cpuSecondsOf(api.process.pid!)!;
      const latencies: number[] = [];
      const instance = autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: clients,
        pipelining: 1,
        duration: seconds,
        headers: EDITOR,
        requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, path: `/works/${ids[next++ % works]}/milestones`, body: milestoneBody() }) }],
      });
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
      const result = await instance;
      const cpuMs = (cpuSecondsOf(api.process.pid!)! - cpu0) * 1000;
      const ok = latencies.length;
      figures.push({ run, eventsPerWorkAtStart: round(history + edited / works, 1), commandsPerSecond: round(ok / result.duration), p99: round(summarize(latencies).p99, 1), cpuMsPerCommand: round(cpuMs / Math.max(ok, 1), 3) });
      edited += ok;
      const f = figures[figures.length - 1]!;
      log(`api-history run ${run} (${f.eventsPerWorkAtStart} events per work at the start): ${f.commandsPerSecond} cmd/s, p99 ${f.p99} ms, admin-api CPU ${f.cpuMsPerCommand} ms per command`);
    }
    process.stdout.write(`${JSON.stringify({ works, history, clients, seconds, runs: figures })}\n`);
  } finally {
    agent.destroy();
    await api.stop();
    await dropDatabase();
  }
}

runScript('api-history', main);
