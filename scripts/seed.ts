import { exitWithStartError, flag, given, httpUrl, port } from '../libs/config/src/env.js';
import { isSeedMissing, runSeed } from './seed/run-seed.js';

/**
 * `npm run seed`: loads the brief's facts into a running admin API (REELWIRE_API_URL, default http://localhost:3000)
 * with an editor key (REELWIRE_SEED_API_KEY, default the dev editor key). Safe to run twice.
 * Under `npm start -- --seed` it waits for the API and seeds only an empty database.
 */
async function main(): Promise<void> {
  const env = process.env;
  const options = {
    baseUrl: httpUrl(env, 'REELWIRE_API_URL', `http://localhost:${port(env, 'PORT', 3000)}`),
    apiKey: given(env, 'REELWIRE_SEED_API_KEY') ?? 'dev-editor-key',
    log: (line: string) => process.stdout.write(`reelwire: ${line}\n`),
  };
  const onlyIfEmpty = flag(env, 'REELWIRE_SEED_ONLY_IF_EMPTY');
  if (flag(env, 'REELWIRE_SEED_WAIT')) await waitForApi(options.baseUrl);
  if (onlyIfEmpty && !(await isSeedMissing(options))) {
    options.log('seed: demo data already present, nothing to do');
    return;
  }
  await runSeed(options);
}

async function waitForApi(baseUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(new URL('/health', baseUrl))).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the admin API at ${baseUrl} did not become healthy within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`reelwire: seed failed: ${(error as Error).message}\n`);
  process.exit(1);
});
