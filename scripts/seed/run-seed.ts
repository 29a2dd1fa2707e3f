import { briefSeed, type SeedRequest } from './brief-facts.js';

export interface SeedOptions {
  baseUrl: string;
  apiKey: string;
  log?: (line: string) => void;
  requests?: SeedRequest[];
}

export interface SeedReport {
  recorded: number;
  alreadyRecorded: number;
}

/**
 * Loads the demo data through the admin API, as an editor would: one request per fact, in order, each with an
 * Idempotency-Key, so a second run (or a run interrupted and restarted) records nothing twice.
 */
export async function runSeed(options: SeedOptions): Promise<SeedReport> {
  const log = options.log ?? (() => undefined);
  const report: SeedReport = { recorded: 0, alreadyRecorded: 0 };
  for (const request of options.requests ?? briefSeed()) {
    const response = await fetch(new URL(request.path, options.baseUrl), {
      method: request.method,
      headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': `seed:${request.id}`, 'X-Correlation-Id': 'seed' },
      body: JSON.stringify(request.body),
    });
    if (!response.ok) {
      throw new Error(`seed step ${request.id} (${request.method} ${request.path}) failed with ${response.status}: ${await response.text()}`);
    }
    if (response.headers.get('idempotent-replayed') === 'true') report.alreadyRecorded += 1;
    else report.recorded += 1;
  }
  log(`seed: ${report.recorded} facts recorded, ${report.alreadyRecorded} already recorded`);
  return report;
}

/** True when the demo data is not there yet (its first record is missing). */
export async function isSeedMissing(options: SeedOptions): Promise<boolean> {
  const [first] = options.requests ?? briefSeed();
  const id = (first.body.organizationId ?? first.body.workId) as string;
  const response = await fetch(new URL(`${first.path}/${id}`, options.baseUrl), { headers: { Authorization: `Bearer ${options.apiKey}` } });
  return response.status === 404;
}
