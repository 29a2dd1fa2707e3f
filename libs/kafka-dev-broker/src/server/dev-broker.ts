import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { type DevBrokerLogger, toLogger } from '../logger.js';
import { type BrokerConfig, BrokerState } from './broker-state.js';
import { Connection } from './connection.js';

export interface DevBrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Host name put in Metadata and FindCoordinator answers; default 127.0.0.1 (not "localhost": IPv6 ::1 trouble). */
  advertisedHost?: string;
  /** Port put in Metadata and FindCoordinator answers when clients reach the broker through a proxy or a port mapping; default the bound port. */
  advertisedPort?: number;
  /** Keep topics, logs and committed offsets here across restarts; without it everything lives in memory. */
  dataDir?: string;
  /** Partitions of auto-created topics and of CreateTopics with −1; default 3. */
  defaultPartitions?: number;
  /** Create unknown topics named in Metadata requests (Kafka's auto.create.topics.enable); default true. */
  autoCreateTopics?: boolean;
  /** Silent unless given; see DevBrokerLogger. */
  logger?: DevBrokerLogger;
  /** Largest request accepted, checked before any buffer is allocated; default 100 MiB (Kafka's socket.request.max.bytes). */
  maxFrameBytes?: number;
  /** Largest record batch accepted per partition; default 1 MiB + 12 B (Kafka's message.max.bytes). */
  maxMessageBytes?: number;
  /** Largest partition count of a topic; default 1000. */
  maxPartitionsPerTopic?: number;
  /** Segment size before a new segment is started; default 64 MiB. */
  segmentBytes?: number;
  /** fsync period for the data directory; 0 = fsync before every acknowledgement. Default 1000 ms. */
  fsyncIntervalMs?: number;
  /** Accepted consumer session timeouts; default 100 ms to 30 min. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Kafka's group.initial.rebalance.delay.ms: wait this long for more members when a group forms; default 0. */
  initialRebalanceDelayMs?: number;
  /** Upper bound on a Fetch's max_wait; default 30 s. */
  maxFetchWaitMs?: number;
}

export interface DevBroker {
  /** The advertised host, 127.0.0.1 by default. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** "host:port" as advertised, ready for KAFKA_BROKERS / kafkajs `brokers` / kcat `-b`. */
  readonly brokers: string;
  readonly dataDir: string | null;
  /** Closes every connection, fsyncs and closes the data files. Idempotent. */
  stop(): Promise<void>;
}

const NODE_ID = 1;

/** Starts a single-node Kafka-wire broker (see libs/kafka-dev-broker/README.md). */
export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const config = resolveConfig(options);
  const listenHost = options.host ?? '127.0.0.1';
  const logger = toLogger(options.logger);
  const state = new BrokerState(config, logger);
  const connections = new Set<Connection>();
  const server = createServer({ noDelay: true }, (socket) => {
    connections.add(new Connection(socket, state, (connection) => connections.delete(connection)));
  });
  server.on('error', (error) => logger.error(`kafka-dev-broker: server error: ${error.message}`));

  try {
    await listen(server, options.port ?? 0, listenHost);
  } catch (error) {
    state.close();
    throw error;
  }
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : 0;
  state.port = options.advertisedPort ?? boundPort;
  logger.info(
    `kafka-dev-broker: listening on ${listenHost}:${boundPort}, advertised as ${config.advertisedHost}:${state.port}` +
      (config.dataDir ? `, data in ${config.dataDir}` : ', in memory'),
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const connection of [...connections]) connection.close('closed: broker stopping');
      state.close();
      await closed;
      logger.info('kafka-dev-broker: stopped');
    })());

  return {
    host: config.advertisedHost,
    port: boundPort,
    brokers: `${config.advertisedHost}:${state.port}`,
    dataDir: config.dataDir,
    stop,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (error: Error): void => fail(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done();
    });
  });
}

function resolveConfig(options: DevBrokerOptions): BrokerConfig {
  const integer = (name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const chosen = value ?? fallback;
    if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
      throw new RangeError(`kafka-dev-broker: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
    }
    return chosen;
  };
  integer('port', options.port, 0, 0, 65535);
  integer('advertisedPort', options.advertisedPort, 1, 1, 65535);
  const maxPartitionsPerTopic = integer('maxPartitionsPerTopic', options.maxPartitionsPerTopic, 1000, 1, 100_000);
  const minSessionTimeoutMs = integer('minSessionTimeoutMs', options.minSessionTimeoutMs, 100, 1);
  return {
    nodeId: NODE_ID,
    clusterId: 'reelwire-dev-broker',
    advertisedHost: options.advertisedHost ?? '127.0.0.1',
    dataDir: options.dataDir === undefined ? null : resolve(options.dataDir),
    defaultPartitions: integer('defaultPartitions', options.defaultPartitions, 3, 1, maxPartitionsPerTopic),
    autoCreateTopics: options.autoCreateTopics ?? true,
    maxFrameBytes: integer('maxFrameBytes', options.maxFrameBytes, 100 * 1024 * 1024, 1024, 2 ** 31 - 1),
    maxMessageBytes: integer('maxMessageBytes', options.maxMessageBytes, 1024 * 1024 + 12, 61, 2 ** 31 - 1),
    maxPartitionsPerTopic,
    segmentBytes: integer('segmentBytes', options.segmentBytes, 64 * 1024 * 1024, 1024, 2 ** 31 - 1),
    fsyncIntervalMs: integer('fsyncIntervalMs', options.fsyncIntervalMs, 1000, 0),
    minSessionTimeoutMs,
    maxSessionTimeoutMs: integer('maxSessionTimeoutMs', options.maxSessionTimeoutMs, 30 * 60 * 1000, minSessionTimeoutMs),
    initialRebalanceDelayMs: integer('initialRebalanceDelayMs', options.initialRebalanceDelayMs, 0, 0, 2 ** 31 - 1),
    maxFetchWaitMs: integer('maxFetchWaitMs', options.maxFetchWaitMs, 30_000, 0, 2 ** 31 - 1),
  };
}
