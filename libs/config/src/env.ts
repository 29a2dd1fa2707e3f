/**
 * Reading an app's environment variables, checked before the app starts: a value outside what the variable allows
 * stops the app with one line naming the variable, the allowed values and what was given, never with a stack trace
 * from deep inside a library. Every variable is read through one of the functions below (or read directly, for the few
 * free-text ones), so configuration-doc.spec.ts can find every name the code reads in docs/configuration.md.
 */

/** A configuration mistake: reported as its message alone (see {@link exitWithStartError}). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The variable's value, or undefined when it is unset or empty (an empty value means "take the default"). */
export function given(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function refuse(name: string, allowed: string, raw: string): never {
  throw new ConfigurationError(`${name} must be ${allowed}, got ${JSON.stringify(raw)}`);
}

export interface WholeNumberRange {
  min: number;
  max?: number;
}

function describeRange({ min, max }: WholeNumberRange): string {
  return max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
}

/** A whole number in range, digits only ("1.5", "1e3", " 2" and "-1" are refused); `fallback` when unset. */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, range: WholeNumberRange): number;
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: undefined, range: WholeNumberRange): number | undefined;
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined, range: WholeNumberRange): number | undefined {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= range.min && (range.max === undefined || value <= range.max))) refuse(name, describeRange(range), raw);
  return value;
}

/** A TCP port; `0` (any free port, logged at start) only where `allowAnyFree` says so. */
export function port(env: NodeJS.ProcessEnv, name: string, fallback: number, { allowAnyFree = false } = {}): number {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  const min = allowAnyFree ? 0 : 1;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= 65535)) refuse(name, `a TCP port from ${min} to 65535${allowAnyFree ? ' (0: any free port)' : ''}`, raw);
  return value;
}

/** One of a fixed list of words, compared exactly. */
export function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) refuse(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

/** `true` or `false`; unset is `fallback`. */
export function flag(env: NodeJS.ProcessEnv, name: string, fallback = false): boolean {
  return oneOf(env, name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
}

/** The log levels of pino, which every app logs with. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export function logLevel(env: NodeJS.ProcessEnv, fallback: LogLevelName = 'info'): LogLevelName {
  return oneOf(env, 'LOG_LEVEL', LOG_LEVELS, fallback);
}

/** The address a server listens on (HOST, METRICS_HOST): loopback unless told otherwise (0.0.0.0 in a container). */
export function listenHost(env: NodeJS.ProcessEnv, name: string): string {
  const raw = given(env, name);
  if (raw === undefined) return '127.0.0.1';
  if (/\s|\/|^:+$/.test(raw)) refuse(name, 'an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0', raw);
  return raw;
}

/** KAFKA_BROKERS: comma-separated host:port entries. */
export function kafkaBrokers(env: NodeJS.ProcessEnv, fallback: string): string[] {
  const raw = given(env, 'KAFKA_BROKERS') ?? fallback;
  const brokers = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const valid = (entry: string) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):([0-9]+)$/.exec(entry);
    return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
  };
  if (brokers.length === 0 || !brokers.every(valid)) refuse('KAFKA_BROKERS', 'comma-separated host:port entries, e.g. kafka-1:9092,kafka-2:9092', raw);
  return brokers;
}

/**
 * A secret key of exactly `bytes` bytes, in base64 (standard or URL-safe). The refusal never repeats the value: it is a
 * secret even when it is malformed.
 */
export function secretKey(env: NodeJS.ProcessEnv, name: string, bytes: number): Buffer | undefined {
  const raw = given(env, name);
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (decoded.length !== bytes) {
    throw new ConfigurationError(`${name} must be ${bytes} random bytes in base64 (e.g. from \`openssl rand -base64 ${bytes}\`); the value given is not (it is not shown)`);
  }
  return decoded;
}

/** An http(s) URL. */
export function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // refused below
  }
  if (protocol !== 'http:' && protocol !== 'https:') refuse(name, 'an http:// or https:// URL', raw);
  return raw;
}

/**
 * The end of an app's `main().catch`: a configuration mistake prints `<prefix>: <message>` and exits 1; anything else
 * prints `<prefix>: failed to start:` and its stack.
 */
export function exitWithStartError(prefix: string, error: unknown): never {
  if (error instanceof ConfigurationError) process.stderr.write(`${prefix}: ${error.message}\n`);
  else process.stderr.write(`${prefix}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
