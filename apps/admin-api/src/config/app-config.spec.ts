import { ConfigurationError } from '../../../../libs/config/src/env.js';
import { DEFAULT_HTTP_LIMITS, DEFAULT_METRICS_PORT, DEFAULT_RATE_LIMITS, DEV_API_KEYS, DEV_KEY_ENCRYPTION_KEY, loadAppConfig } from './app-config.js';

describe('loadAppConfig', () => {
  const KEYS = 'desk:editor:0123456789abcdef';

  it.each([undefined, '', 'development', 'test'])('uses the dev keys without REELWIRE_API_KEYS when NODE_ENV is %p', (nodeEnv) => {
    const config = loadAppConfig({ NODE_ENV: nodeEnv });
    expect(config).toMatchObject({ apiKeys: DEV_API_KEYS, usingDevKeys: true, strictTransportSecurity: false });
  });

  it.each(['production', 'Production', 'prod', 'staging', 'Development', ' test'])('refuses NODE_ENV=%p without REELWIRE_API_KEYS, naming both', (nodeEnv) => {
    expect(() => loadAppConfig({ NODE_ENV: nodeEnv })).toThrow(`REELWIRE_API_KEYS must be set when NODE_ENV is "${nodeEnv}"`);
  });

  it('takes configured keys in any environment, and HSTS only in production', () => {
    expect(loadAppConfig({ NODE_ENV: 'prod', REELWIRE_API_KEYS: KEYS })).toMatchObject({ usingDevKeys: false, strictTransportSecurity: false });
    expect(loadAppConfig({ NODE_ENV: 'production', REELWIRE_API_KEYS: KEYS })).toMatchObject({ usingDevKeys: false, strictTransportSecurity: true });
  });

  it('seals with REELWIRE_KEY_ENCRYPTION_KEY; the public development key only in development; a bad key is refused without echoing it', () => {
    const kek = Buffer.alloc(32, 7);
    expect(loadAppConfig({ REELWIRE_KEY_ENCRYPTION_KEY: kek.toString('base64') })).toMatchObject({ keyEncryptionKey: kek, usingDevKeyEncryptionKey: false });
    expect(loadAppConfig({ NODE_ENV: 'test' })).toMatchObject({ keyEncryptionKey: DEV_KEY_ENCRYPTION_KEY, usingDevKeyEncryptionKey: true });
    const production = loadAppConfig({ NODE_ENV: 'production', REELWIRE_API_KEYS: KEYS });
    expect(production.keyEncryptionKey).toBeUndefined();
    expect(production.usingDevKeyEncryptionKey).toBe(false);
    const short = 'c2hvcnQtc2VjcmV0LXZhbHVl';
    expect(() => loadAppConfig({ REELWIRE_KEY_ENCRYPTION_KEY: short })).toThrow('REELWIRE_KEY_ENCRYPTION_KEY must be 32 random bytes in base64');
    expect(() => loadAppConfig({ REELWIRE_KEY_ENCRYPTION_KEY: short })).not.toThrow(short);
    expect(() => loadAppConfig({ REELWIRE_API_KEYS: 'public-desk:reader:0123456789abcdef' })).not.toThrow();
  });

  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadAppConfig({}).host).toBe('127.0.0.1');
    expect(loadAppConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('reads the HTTP limits, refusing values that are not whole numbers and a header deadline beyond the body deadline', () => {
    expect(loadAppConfig({}).httpLimits).toEqual(DEFAULT_HTTP_LIMITS);
    expect(loadAppConfig({ HTTP_BODY_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_MAX_CONNECTIONS: '64' }).httpLimits).toMatchObject({
      bodyTimeoutMs: 5000,
      headersTimeoutMs: 2000,
      maxConnections: 64,
      keepAliveTimeoutMs: DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
    });
    expect(() => loadAppConfig({ HTTP_IDLE_TIMEOUT_MS: '1.5' })).toThrow('HTTP_IDLE_TIMEOUT_MS must be a whole number ≥ 1, got "1.5"');
    expect(() => loadAppConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow('HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number ≥ 1');
    expect(() => loadAppConfig({ HTTP_BODY_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).toThrow('HTTP_HEADERS_TIMEOUT_MS (2000) must not exceed HTTP_BODY_TIMEOUT_MS (1000)');
  });

  it.each([
    ['PORT', '80a', 'PORT must be a TCP port from 0 to 65535 (0: any free port), got "80a"'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    ['HOST', 'http://0.0.0.0', 'HOST must be an IP address or host name to listen on'],
    ['STREAM_STATE_CACHE_SIZE', '-1', 'STREAM_STATE_CACHE_SIZE must be a whole number ≥ 0, got "-1"'],
    ['COMMANDS_IN_FLIGHT_LIMIT', '0', 'COMMANDS_IN_FLIGHT_LIMIT must be a whole number ≥ 1, got "0"'],
    ['REELWIRE_API_KEYS', 'desk:writer:0123456789abcdef', 'REELWIRE_API_KEYS: role "writer" of desk must be one of editor, auditor, admin'],
  ])('refuses %s=%p as a configuration error naming the variable and the allowed values', (name, value, message) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ [name]: value })).toThrow(message);
  });

  it('reads the port, the log level and the in-memory limits', () => {
    expect(loadAppConfig({ PORT: '0', LOG_LEVEL: 'debug', STREAM_STATE_CACHE_SIZE: '0', COMMANDS_IN_FLIGHT_LIMIT: '8' })).toMatchObject({
      port: 0,
      logLevel: 'debug',
      streamStateCacheSize: 0,
      commandsInFlightLimit: 8,
    });
  });

  it('reads the rate limits a minute, refusing values that are not whole numbers ≥ 1', () => {
    expect(loadAppConfig({}).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(loadAppConfig({ RATE_LIMIT_WRITES_PER_MINUTE: '5' }).rateLimits).toEqual({ writesPerMinute: 5, readsPerMinute: DEFAULT_RATE_LIMITS.readsPerMinute });
    expect(() => loadAppConfig({ RATE_LIMIT_READS_PER_MINUTE: '0' })).toThrow('RATE_LIMIT_READS_PER_MINUTE must be a whole number ≥ 1, got "0"');
    expect(() => loadAppConfig({ RATE_LIMIT_WRITES_PER_MINUTE: 'many' })).toThrow('RATE_LIMIT_WRITES_PER_MINUTE must be a whole number ≥ 1');
  });

  it('serves metrics on their own port of loopback unless METRICS_PORT and METRICS_HOST say otherwise', () => {
    expect(loadAppConfig({ HOST: '0.0.0.0' })).toMatchObject({ metricsPort: DEFAULT_METRICS_PORT, metricsHost: '127.0.0.1' });
    expect(loadAppConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' })).toMatchObject({ metricsPort: 0, metricsHost: '0.0.0.0' });
    expect(() => loadAppConfig({ METRICS_PORT: '70000' })).toThrow('METRICS_PORT must be a TCP port from 0 to 65535 (0: any free port), got "70000"');
    expect(() => loadAppConfig({ METRICS_HOST: 'http://0.0.0.0' })).toThrow('METRICS_HOST must be an IP address or host name to listen on');
  });
});
