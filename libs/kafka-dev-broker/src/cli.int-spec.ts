import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKey } from './protocol/api-keys.js';
import { requestBody, responseBody } from './testing/request-bodies.js';
import { encodeRecordBatch, WireClient } from './testing/wire-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'dist', 'libs', 'kafka-dev-broker', 'src', 'cli.js');

/** `npm run kafka:dev` runs this compiled CLI (npm test compiles first, as for the global setup). */
describe('dev broker CLI', () => {
  let dataDir: string;
  let child: ChildProcessWithoutNullStreams | undefined;

  const start = async (): Promise<{ port: number; output: () => string }> => {
    child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--partitions', '2'], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 10 s:\n${output}`)), 10_000);
      const check = (): void => {
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child!.stdout.on('data', check);
      child!.on('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${output}`)));
    });
    return { port, output: () => output };
  };

  const stop = (signal: NodeJS.Signals): Promise<number | null> =>
    new Promise((resolve) => {
      child!.once('exit', (code) => resolve(code));
      child!.kill(signal);
    });

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: compile first (npm test runs "tsc -p tsconfig.json")`);
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-cli-'));
  });

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the address it listens on, serves clients, and stops cleanly on SIGTERM and SIGINT with data kept', async () => {
    const first = await start();
    expect(first.output()).toContain(`KAFKA_BROKERS=127.0.0.1:${first.port}`);
    let client = await WireClient.connect(first.port);
    const meta = responseBody.metadataV4(await client.request(ApiKey.Metadata, 4, requestBody.metadataV4(['cli-topic'])));
    expect(meta.topics).toEqual([{ errorCode: 0, name: 'cli-topic', partitions: [0, 1] }]);
    await client.request(ApiKey.Produce, 3, requestBody.produceV3({ topic: 'cli-topic', partition: 1, batch: encodeRecordBatch([{ value: 'kept' }]) }));
    expect(await stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dataDir, 'broker.lock'))).toBe(false);

    const second = await start();
    client = await WireClient.connect(second.port);
    const latest = responseBody.listOffsetsV2(await client.request(ApiKey.ListOffsets, 2, requestBody.listOffsetsV2('cli-topic', 1, -1)));
    expect(latest.offset).toBe(1);
    client.close();
    expect(await stop('SIGINT')).toBe(0);
  });
});
