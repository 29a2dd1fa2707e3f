import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDS } from '../scripts/seed/brief-facts.js';
import { startChild, type RunningChild } from './support/child-app.js';
import { freePort } from './support/free-port.js';

/**
 * `git pull && npm start` on a `.data/` made by the version before the projection engine: the previous version (the
 * parent of the commit that added migration 0008, checked out from git history and compiled) starts, seeds the brief
 * and stops; then this version starts on the same data. Migration 0008 replaces the fold-based tables, the projector
 * finds no checkpoint and consumes every topic from the beginning, and the read models answer again — now as of any
 * past position too. Nothing is kept but the data directory.
 */
const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }).stdout.trim() === 'true';
const upgradeDescribe = shallow ? describe.skip : describe;
if (shallow) console.warn('skipping the upgrade test: this clone is shallow, so the previous version is not in its history');

upgradeDescribe('upgrade in place: a .data/ of the previous version under this one', () => {
  let app: RunningChild | undefined;
  let previous: string | undefined;
  afterEach(async () => {
    await app?.stop('SIGINT');
  });
  afterAll(() => {
    if (previous) rmSync(previous, { recursive: true, force: true });
  });

  it('the previous version seeds the brief; after the upgrade the read models are rebuilt from Kafka and answer now and as of the past', async () => {
    const added = git(['log', '--format=%H', '-n', '1', '--diff-filter=A', '--', 'migrations/0008-projection-engine.sql']);
    const before = git(['rev-parse', `${added}^`]);
    previous = mkdtempSync(join(tmpdir(), 'reelwire-previous-'));
    execFileSync('sh', ['-c', `git archive ${before} | tar -x -C ${previous}`]);
    symlinkSync(join(process.cwd(), 'node_modules'), join(previous, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: previous, stdio: 'ignore' });

    const dataDir = mkdtempSync(join(tmpdir(), 'reelwire-upgrade-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      REELWIRE_DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      KAFKA_DEV_PORT: String(await freePort()),
      RELAY_METRICS_PORT: String(await freePort()),
      PROJECTOR_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    delete env.NODE_OPTIONS;
    const base = `http://localhost:${port}`;
    const auditor = { Authorization: 'Bearer dev-auditor-key' };
    const remakeCard = async () => {
      const response = await fetch(`${base}/projects/${IDS.work.saveTheGreenPlanetRemake}`, { headers: auditor });
      return response.status === 200 ? ((await response.json()) as { status: string; developmentStart: { date: string }; freshness: { globalPosition: string } }) : undefined;
    };

    app = startChild(process.execPath, ['dist/scripts/start.js', '--seed'], env, previous);
    await app.waitFor(/seed: \d+ facts recorded/, 180_000);
    // The previous version's answer once its projector has applied the whole seed: the card's position has stopped
    // moving (read as soon as the card exists, it may reflect only part of the seed, a position the upgraded read
    // models then pass and never answer at).
    const seeded = await eventuallySettled(remakeCard, (card) => card.freshness.globalPosition);
    app.signal('SIGINT');
    await app.waitFor(/reelwire: stopped\n/, 60_000, { evenAfterExit: true });

    app = startChild('npm', ['start'], env);
    await app.waitFor(/admin API listening/, 180_000);
    expect(app.output()).toMatch(/migrations applied: 0008-projection-engine/);
    // The projector consumes every topic from the beginning: wait as long as it keeps applying (the position the read
    // models reflect moves), however loaded the machine; fail on a stall.
    const reflectedPosition = async () => (await fetch(`${base}/projects?limit=1`, { headers: auditor })).headers.get('x-reelwire-position');
    const upgraded = await eventually(async () => {
      const card = await remakeCard();
      return card && Number(card.freshness.globalPosition) >= Number(seeded.freshness.globalPosition) ? card : undefined;
    }, 60_000, reflectedPosition);
    expect(upgraded).toMatchObject({ status: seeded.status, developmentStart: seeded.developmentStart });
    // The same answer the previous version gave, and now the past too: before the remake's first event it did not exist.
    const asOfStart = await fetch(`${base}/projects/${IDS.work.saveTheGreenPlanetRemake}?asOfPosition=0`, { headers: auditor });
    expect(asOfStart.status).toBe(404);
    const list = (await (await fetch(`${base}/projects?asOfPosition=${seeded.freshness.globalPosition}&limit=100`, { headers: auditor })).json()) as { items: { workId: string }[] };
    expect(list.items.map((p) => p.workId)).toContain(IDS.work.saveTheGreenPlanetRemake);
  }, 420_000);
});

/**
 * Polls `probe` until it answers. Gives up after `timeoutMs` without an answer, counted from the last time `progress`
 * (when given) changed: a wait on work that is still advancing is not a failure.
 */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000, progress?: () => Promise<unknown>): Promise<T> {
  let deadline = Date.now() + timeoutMs;
  let seen: unknown;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    const now = progress ? await progress().catch(() => seen) : seen;
    if (now !== seen) {
      seen = now;
      deadline = Date.now() + timeoutMs;
    }
    if (Date.now() > deadline) throw new Error(`not there after ${timeoutMs} ms${progress ? ` without progress (last: ${String(seen)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `probe` until it answers and `keyOf` its answer stays the same for `quietMs`. */
async function eventuallySettled<T>(probe: () => Promise<T | undefined>, keyOf: (value: T) => unknown, quietMs = 3_000): Promise<T> {
  let value = await eventually(probe);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = await eventually(probe);
    if (keyOf(next) !== keyOf(value)) since = Date.now();
    value = next;
  }
  return value;
}
