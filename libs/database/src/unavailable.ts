/**
 * Errors that mean "PostgreSQL cannot be reached or is restarting", as opposed to an error of the statement itself.
 * Work that failed with one of these may be retried once the server is back (the projector does; the admin API answers
 * 503 with Retry-After); anything else is the caller's own problem and must not be retried blindly.
 */

/** Socket errors: the server is not listening, went away mid-conversation, or cannot be reached. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server going down or not up yet: admin_shutdown (57P01: `pg_ctl stop -m fast`), crash_shutdown (57P02:
 * another backend crashed, `-m immediate`), cannot_connect_now (57P03: starting up, in recovery, shutting down),
 * too_many_connections (53300) and the connection_exception class (08xxx).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports a socket that closed under a client, or a client that is no longer usable, by message alone. */
const CLIENT_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && CLIENT_MESSAGES.some((known) => message === known || message.startsWith(`${known}:`))) return true;
  // net.connect to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError of each.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}
