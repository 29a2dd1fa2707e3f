/**
 * Dev-broker throughput and memory, with the two clients the project checks it against.
 *
 *   npm run build && node dist/bench/kafka-dev-broker/throughput.js
 *   BENCH_MESSAGES=200000 BENCH_MEMORY_MESSAGES=1000000 node dist/bench/kafka-dev-broker/throughput.js
 *
 * The broker runs in a child process (dist/bench/kafka-dev-broker/broker-process.js) so that its RSS and heap are
 * measured alone. Messages are 1 KB. kcat must be installed (apt-get install -y kcat).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const MESSAGE_BYTES = 1024;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const MEMORY_MESSAGES = Number(process.env.BENCH_MEMORY_MESSAGES ?? 1_000_000);
const KAFKAJS_MESSAGES_PER_SEND = 500;
const KAFKAJS_SENDS_IN_FLIGHT = 4;
const MB = 1024 * 1024;

interface BrokerProcess {
  brokers: string;
  memory(): Promise<NodeJS.MemoryUsage>;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

interface Row {
  scenario: string;
  messages: number;
  seconds: number;
  /** CPU seconds the broker process used during the run. */
  brokerCpu: number;
}

function startBrokerProcess(dataDir?: string): Promise<BrokerProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'broker-process.js');
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, BENCH_DATA_DIR: dataDir ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: { type: string; brokers: string }) => {
      resolve({
        brokers: message.brokers,
        memory: () =>
          new Promise((done) => {
            child.once('message', (reply: { usage: NodeJS.MemoryUsage }) => done(reply.usage));
            child.send({ type: 'memory' });
          }),
        cpuSeconds: () =>
          new Promise((done) => {
            child.once('message', (reply: { seconds: number }) => done(reply.seconds));
            child.send({ type: 'cpu' });
          }),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

function payload(i: number): string {
  const prefix = `message-${i}-`;
  return prefix + 'x'.repeat(MESSAGE_BYTES - prefix.length);
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function kafkajsProduce(brokers: string, topic: string, count: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer({ maxInFlightRequests: KAFKAJS_SENDS_IN_FLIGHT });
  await producer.connect();
  let next = 0;
  const seconds = await timed(async () => {
    const worker = async (): Promise<void> => {
      while (next < count) {
        const start = next;
        next = Math.min(count, next + KAFKAJS_MESSAGES_PER_SEND);
        const messages = [];
        for (let i = start; i < next; i++) messages.push({ value: payload(i) });
        await producer.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: KAFKAJS_SENDS_IN_FLIGHT }, worker));
  });
  await producer.disconnect();
  return seconds;
}

async function kafkajsConsume(brokers: string, topic: string, count: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 100, maxBytes: 10 * MB });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  const seconds = await timed(
    () =>
      new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch }) => {
            received += batch.messages.length;
            if (received >= count) resolve();
          },
        });
      }),
  );
  await consumer.disconnect();
  return seconds;
}

/** Writes `count` 1 KB lines to a file, for `kcat -P -l` (so the timed run measures kcat and the broker only). */
async function writeMessageFile(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; ) {
    const chunk: string[] = [];
    for (let j = 0; j < 1024 && i < count; j++, i++) chunk.push(payload(i));
    if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function kcatProduceFile(brokers: string, topic: string, file: string): Promise<number> {
  return timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('kcat', ['-b', brokers, '-P', '-t', topic, '-l', file, '-X', 'linger.ms=5'], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited with ${code}`))));
      }),
  );
}

/** Streams `count` lines into kcat's stdin (no 1 GB temporary file), honouring backpressure. */
function kcatProduceStream(brokers: string, topic: string, count: number): Promise<number> {
  return timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('kcat', ['-b', brokers, '-P', '-t', topic, '-X', 'linger.ms=5'], { stdio: ['pipe', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited with ${code}`))));
        let i = 0;
        const write = (): void => {
          while (i < count) {
            const chunk: string[] = [];
            for (let j = 0; j < 256 && i < count; j++, i++) chunk.push(payload(i));
            if (!child.stdin.write(`${chunk.join('\n')}\n`)) {
              child.stdin.once('drain', write);
              return;
            }
          }
          child.stdin.end();
        };
        write();
      }),
  );
}

function kcatConsume(brokers: string, topic: string, count: number): Promise<number> {
  return timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('kcat', ['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '.'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let seen = 0;
        child.stdout.on('data', (chunk: Buffer) => (seen += chunk.length));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 && seen === count ? resolve() : reject(new Error(`kcat -C exited with ${code} after ${seen}/${count} messages`)),
        );
      }),
  );
}

function formatRows(rows: Row[]): string {
  const header = ['scenario', 'messages', 'seconds', 'msg/s', 'MB/s', 'broker CPU'];
  const body = rows.map((r) => [
    r.scenario,
    r.messages.toLocaleString('en-US'),
    r.seconds.toFixed(2),
    Math.round(r.messages / r.seconds).toLocaleString('en-US'),
    ((r.messages * MESSAGE_BYTES) / MB / r.seconds).toFixed(1),
    `${Math.round((100 * r.brokerCpu) / r.seconds)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const memoryLine = (label: string, usage: NodeJS.MemoryUsage): string =>
  `${label}: RSS ${(usage.rss / MB).toFixed(0)} MB, V8 heap used ${(usage.heapUsed / MB).toFixed(0)} MB, ` +
  `buffers (arrayBuffers) ${(usage.arrayBuffers / MB).toFixed(0)} MB`;

async function throughput(dataDir: string | undefined, label: string, messageFile: string): Promise<Row[]> {
  const broker = await startBrokerProcess(dataDir);
  const rows: Row[] = [];
  const measure = async (scenario: string, run: () => Promise<number>): Promise<void> => {
    const cpuBefore = await broker.cpuSeconds();
    const seconds = await run();
    rows.push({ scenario: `${label}: ${scenario}`, messages: MESSAGES, seconds, brokerCpu: (await broker.cpuSeconds()) - cpuBefore });
  };
  try {
    await measure(`kafkajs produce (acks=-1, ${KAFKAJS_MESSAGES_PER_SEND}/send, ${KAFKAJS_SENDS_IN_FLIGHT} in flight)`, () =>
      kafkajsProduce(broker.brokers, 'bench-kafkajs', MESSAGES),
    );
    await measure('kafkajs consume (group, eachBatch)', () => kafkajsConsume(broker.brokers, 'bench-kafkajs', MESSAGES));
    await measure('kcat produce (-P -l file, acks=-1)', () => kcatProduceFile(broker.brokers, 'bench-kcat', messageFile));
    await measure('kcat consume (-C -e)', () => kcatConsume(broker.brokers, 'bench-kcat', MESSAGES));
  } finally {
    await broker.stop();
  }
  return rows;
}

async function memory(dataDir: string | undefined, label: string): Promise<string[]> {
  const broker = await startBrokerProcess(dataDir);
  try {
    const idle = await broker.memory();
    const seconds = await kcatProduceStream(broker.brokers, 'bench-memory', MEMORY_MESSAGES);
    const loaded = await broker.memory();
    const readSeconds = await kcatConsume(broker.brokers, 'bench-memory', MEMORY_MESSAGES);
    const afterRead = await broker.memory();
    return [
      memoryLine(`${label}, idle`, idle),
      memoryLine(`${label}, holding ${MEMORY_MESSAGES.toLocaleString('en-US')} × 1 KB (streamed into kcat -P in ${seconds.toFixed(1)} s)`, loaded),
      memoryLine(`${label}, after kcat read them all back in ${readSeconds.toFixed(1)} s`, afterRead),
    ];
  } finally {
    await broker.stop();
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-bench-'));
try {
  const messageFile = join(scratch, 'messages.txt');
  await writeMessageFile(messageFile, MESSAGES);
  const rows = [...(await throughput(undefined, 'memory', messageFile)), ...(await throughput(join(scratch, 'throughput'), 'data dir', messageFile))];
  console.log(`\nThroughput, ${MESSAGE_BYTES}-byte messages, topic with 3 partitions, broker in its own process:\n`);
  console.log(formatRows(rows));
  console.log('\n"broker CPU": CPU time of the broker process / wall time (2 cores here; the clients use the rest).');
  const memoryLines = [...(await memory(undefined, 'in memory')), ...(await memory(join(scratch, 'memory'), 'with a data dir'))];
  console.log(`\nBroker memory (process.memoryUsage() after a full GC):\n`);
  for (const line of memoryLines) console.log(`- ${line}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
