import { ConfigurationError } from '../../../libs/config/src/env.js';
import { loadRelayConfig } from './relay-config.js';

describe('loadRelayConfig', () => {
  it('has the documented defaults', () => {
    const config = loadRelayConfig({});
    expect(config).toMatchObject({
      logLevel: 'info',
      brokers: ['127.0.0.1:19092'],
      batchSize: 500,
      pollIntervalMs: 500,
      minBatchIntervalMs: 5,
      lockPollMs: 1000,
      maxBackoffMs: 5000,
      metricsPort: 9464,
      host: '127.0.0.1',
    });
    expect(config.topics.map((topic) => [topic.numPartitions, topic.replicationFactor])).toEqual(Array(4).fill([6, 1]));
  });

  it('reads a cluster deployment: three brokers, replication 3, metrics on every address', () => {
    const config = loadRelayConfig({ KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092,kafka-3:9092', KAFKA_REPLICATION_FACTOR: '3', HOST: '0.0.0.0', RELAY_MIN_BATCH_INTERVAL_MS: '0', RELAY_METRICS_PORT: '0' });
    expect(config.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092', 'kafka-3:9092']);
    expect(config.topics.every((topic) => topic.replicationFactor === 3)).toBe(true);
    expect(config).toMatchObject({ host: '0.0.0.0', minBatchIntervalMs: 0, metricsPort: 0 });
  });

  it.each([
    ['RELAY_BATCH_SIZE', '0', 'RELAY_BATCH_SIZE must be a whole number ≥ 1, got "0"'],
    ['RELAY_POLL_INTERVAL_MS', '0.5', 'RELAY_POLL_INTERVAL_MS must be a whole number ≥ 1, got "0.5"'],
    ['RELAY_MIN_BATCH_INTERVAL_MS', '-5', 'RELAY_MIN_BATCH_INTERVAL_MS must be a whole number ≥ 0, got "-5"'],
    ['RELAY_LOCK_POLL_MS', 'soon', 'RELAY_LOCK_POLL_MS must be a whole number ≥ 1, got "soon"'],
    ['RELAY_MAX_BACKOFF_MS', '5s', 'RELAY_MAX_BACKOFF_MS must be a whole number ≥ 1, got "5s"'],
    ['RELAY_METRICS_PORT', '70000', 'RELAY_METRICS_PORT must be a TCP port from 0 to 65535 (0: any free port), got "70000"'],
    ['KAFKA_BROKERS', 'kafka:nine', 'KAFKA_BROKERS must be comma-separated host:port entries'],
    ['KAFKA_TOPIC_PARTITIONS', 'many', 'KAFKA_TOPIC_PARTITIONS must be a whole number ≥ 1, got "many"'],
    ['KAFKA_REPLICATION_FACTOR', '0', 'KAFKA_REPLICATION_FACTOR must be a whole number ≥ 1, got "0"'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('refuses %s=%p, naming it and the allowed values', (name, value, message) => {
    expect(() => loadRelayConfig({ [name]: value })).toThrow(ConfigurationError);
    expect(() => loadRelayConfig({ [name]: value })).toThrow(message);
  });
});
