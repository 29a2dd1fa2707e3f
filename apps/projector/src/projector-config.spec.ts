import { ConfigurationError } from '../../../libs/config/src/env.js';
import { DEFAULT_GROUP_ID } from './projector.js';
import { loadProjectorConfig } from './projector-config.js';

describe('loadProjectorConfig', () => {
  it('has the documented defaults, leaving the run size and concurrency to createProjector', () => {
    const config = loadProjectorConfig({});
    expect(config).toEqual({
      brokers: ['127.0.0.1:19092'],
      topics: expect.any(Array),
      groupId: DEFAULT_GROUP_ID,
      metricsPort: 9465,
      host: '127.0.0.1',
    });
    expect(DEFAULT_GROUP_ID).toBe('reelwire-projector');
  });

  it('reads the knobs of a scaled-out projector', () => {
    const config = loadProjectorConfig({
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      PROJECTOR_GROUP: 'reelwire-projector-blue',
      PROJECTOR_PARTITIONS_CONCURRENTLY: '6',
      PROJECTOR_RUN_SIZE: '1',
      PROJECTOR_METRICS_PORT: '0',
      KAFKA_TOPIC_PARTITIONS: '12',
      HOST: '0.0.0.0',
    });
    expect(config).toMatchObject({ brokers: ['kafka-1:9092', 'kafka-2:9092'], groupId: 'reelwire-projector-blue', partitionsConcurrently: 6, runSize: 1, metricsPort: 0, host: '0.0.0.0' });
    expect(config.topics.every((topic) => topic.numPartitions === 12)).toBe(true);
  });

  it.each([
    ['PROJECTOR_RUN_SIZE', '0', 'PROJECTOR_RUN_SIZE must be a whole number from 1 to 10000, got "0"'],
    ['PROJECTOR_RUN_SIZE', '10001', 'PROJECTOR_RUN_SIZE must be a whole number from 1 to 10000, got "10001"'],
    ['PROJECTOR_PARTITIONS_CONCURRENTLY', 'all', 'PROJECTOR_PARTITIONS_CONCURRENTLY must be a whole number ≥ 1, got "all"'],
    ['PROJECTOR_PARTITIONS_CONCURRENTLY', '0', 'PROJECTOR_PARTITIONS_CONCURRENTLY must be a whole number ≥ 1, got "0"'],
    ['PROJECTOR_METRICS_PORT', '-1', 'PROJECTOR_METRICS_PORT must be a TCP port from 0 to 65535 (0: any free port), got "-1"'],
    ['KAFKA_BROKERS', 'localhost', 'KAFKA_BROKERS must be comma-separated host:port entries'],
    ['KAFKA_TOPIC_PARTITIONS', '1.5', 'KAFKA_TOPIC_PARTITIONS must be a whole number ≥ 1, got "1.5"'],
  ])('refuses %s=%p, naming it and the allowed values', (name, value, message) => {
    expect(() => loadProjectorConfig({ [name]: value })).toThrow(ConfigurationError);
    expect(() => loadProjectorConfig({ [name]: value })).toThrow(message);
  });
});
