#!/usr/bin/env node
/**
 * npm run kafka:dev -- [--port 19092] [--host 127.0.0.1] [--data-dir DIR] [--partitions N] [--verbose]
 * Runs the dev broker in the foreground until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startDevBroker } from './index.js';

const USAGE = 'usage: kafka-dev-broker [--port 19092] [--host 127.0.0.1] [--data-dir DIR] [--partitions 3] [--verbose]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '19092' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        partitions: { type: 'string', default: '3' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`kafka-dev-broker: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(partitions) || partitions < 1) {
    console.error(`kafka-dev-broker: --port must be 0-65535 and --partitions a positive integer\n${USAGE}`);
    process.exit(2);
  }
  const say = (message: string): void => console.log(message);
  const broker = await startDevBroker({
    port,
    host: values.host,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    defaultPartitions: partitions,
    logger: { warn: say, error: (message) => console.error(message), ...(values.verbose ? { debug: say } : {}) },
  });
  console.log(
    `kafka-dev-broker: listening on ${broker.brokers}` +
      (broker.dataDir ? ` (data in ${broker.dataDir})` : ' (in memory; pass --data-dir to keep data)') +
      `; KAFKA_BROKERS=${broker.brokers}`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`kafka-dev-broker: ${signal} received, stopping`);
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`kafka-dev-broker: stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`kafka-dev-broker: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
