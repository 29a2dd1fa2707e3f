import { ConfigurationError, flag, given, httpUrl, kafkaBrokers, listenHost, logLevel, oneOf, port, wholeNumber } from './env.js';

describe('reading environment variables', () => {
  it('takes the default for an unset or empty variable', () => {
    expect(given({ A_B: '' }, 'A_B')).toBeUndefined();
    expect(wholeNumber({ RELAY_BATCH_SIZE: '' }, 'RELAY_BATCH_SIZE', 500, { min: 1 })).toBe(500);
    expect(wholeNumber({}, 'RELAY_BATCH_SIZE', undefined, { min: 1 })).toBeUndefined();
    expect(port({}, 'PORT', 3000)).toBe(3000);
    expect(flag({}, 'REELWIRE_SEED_WAIT')).toBe(false);
    expect(logLevel({})).toBe('info');
    expect(listenHost({ HOST: '' }, 'HOST')).toBe('127.0.0.1');
  });

  it.each(['1.5', '1e3', '-1', ' 2', '0x10', 'ten', '10001'])('refuses %p as a whole number from 1 to 10000, naming the variable and the range', (raw) => {
    const read = () => wholeNumber({ PROJECTOR_RUN_SIZE: raw }, 'PROJECTOR_RUN_SIZE', 200, { min: 1, max: 10_000 });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`PROJECTOR_RUN_SIZE must be a whole number from 1 to 10000, got ${JSON.stringify(raw)}`);
  });

  it('reads whole numbers at the edges of their range', () => {
    expect(wholeNumber({ N_X: '0' }, 'N_X', 5, { min: 0 })).toBe(0);
    expect(wholeNumber({ N_X: '10000' }, 'N_X', 5, { min: 1, max: 10_000 })).toBe(10_000);
    expect(() => wholeNumber({ N_X: '0' }, 'N_X', 5, { min: 1 })).toThrow('N_X must be a whole number ≥ 1, got "0"');
  });

  it('reads ports, allowing 0 (any free port) only where asked', () => {
    expect(port({ RELAY_METRICS_PORT: '0' }, 'RELAY_METRICS_PORT', 9464, { allowAnyFree: true })).toBe(0);
    expect(() => port({ EMBEDDED_POSTGRES_PORT: '0' }, 'EMBEDDED_POSTGRES_PORT', 54329)).toThrow('EMBEDDED_POSTGRES_PORT must be a TCP port from 1 to 65535, got "0"');
    expect(() => port({ PORT: '65536' }, 'PORT', 3000, { allowAnyFree: true })).toThrow('PORT must be a TCP port from 0 to 65535 (0: any free port), got "65536"');
    expect(() => port({ PORT: 'http' }, 'PORT', 3000)).toThrow(/PORT must be a TCP port/);
  });

  it('reads words from a fixed list exactly, listing them when refused', () => {
    expect(oneOf({ MODE_X: 'b' }, 'MODE_X', ['a', 'b'], 'a')).toBe('b');
    expect(() => logLevel({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
    expect(() => logLevel({ LOG_LEVEL: 'INFO' })).toThrow(/LOG_LEVEL must be one of/);
    expect(flag({ REELWIRE_SEED_WAIT: 'true' }, 'REELWIRE_SEED_WAIT')).toBe(true);
    expect(() => flag({ REELWIRE_SEED_WAIT: 'yes' }, 'REELWIRE_SEED_WAIT')).toThrow('REELWIRE_SEED_WAIT must be one of true, false, got "yes"');
  });

  it('reads Kafka brokers as host:port entries', () => {
    expect(kafkaBrokers({}, '127.0.0.1:19092')).toEqual(['127.0.0.1:19092']);
    expect(kafkaBrokers({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092,[::1]:9092' }, 'x:1')).toEqual(['kafka-1:9092', 'kafka-2:9092', '[::1]:9092']);
    for (const raw of ['kafka-1', 'kafka-1:', 'kafka-1:99999', 'PLAINTEXT://kafka-1:9092', ',']) {
      expect(() => kafkaBrokers({ KAFKA_BROKERS: raw }, 'x:1')).toThrow(`KAFKA_BROKERS must be comma-separated host:port entries, e.g. kafka-1:9092,kafka-2:9092, got ${JSON.stringify(raw)}`);
    }
  });

  it('reads HOST and URLs', () => {
    expect(listenHost({ HOST: '0.0.0.0' }, 'HOST')).toBe('0.0.0.0');
    expect(() => listenHost({ HOST: 'http://0.0.0.0' }, 'HOST')).toThrow(/HOST must be an IP address or host name/);
    expect(httpUrl({ REELWIRE_API_URL: 'https://api.example:8443' }, 'REELWIRE_API_URL', 'http://localhost:3000')).toBe('https://api.example:8443');
    expect(() => httpUrl({ REELWIRE_API_URL: 'localhost:3000' }, 'REELWIRE_API_URL', 'http://x')).toThrow('REELWIRE_API_URL must be an http:// or https:// URL, got "localhost:3000"');
  });
});
