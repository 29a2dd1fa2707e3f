/** Query parameters whose values are secrets by their name alone (`api_key`, `access_token`, `X-API-Key`…). */
const SECRET_PARAMETER = /key|token|auth|secret|passw|session|credential|signature/i;

/**
 * The request URL as a log line may show it: no API key, wherever in the URL a client put one. Keys are never read
 * from the URL (a key in the query string is refused with 401), but the URL is logged, and logs travel further than
 * the API. A value is hidden when its parameter is named like a secret or when it is a configured key (`isKey`).
 */
export function urlForLog(url: string, isKey: (value: string) => boolean): string {
  const looksLikeKey = (raw: string) => raw !== '' && isKey(decoded(raw));
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const safePath = path
    .split('/')
    .map((segment) => (looksLikeKey(segment) ? '[redacted]' : segment))
    .join('/');
  if (queryStart === -1) return safePath;
  const safeQuery = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return looksLikeKey(pair) ? '[redacted]' : pair;
      const name = pair.slice(0, equals);
      return SECRET_PARAMETER.test(decoded(name)) || looksLikeKey(pair.slice(equals + 1)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${safePath}?${safeQuery}`;
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
