/**
 * The public part of the source an event cites, as the read models show it: publisher, url, publishedAt and kind, each
 * only when present. A confidential source may hide any of them (even the publisher); one that shows none is null.
 */
export interface CitedSource {
  publisher?: string;
  url?: string;
  publishedAt?: string;
  kind?: string;
}

export function citedSource(source: object | undefined | null): CitedSource | null {
  if (!source) return null;
  const { publisher, url, publishedAt, kind } = source as Record<string, unknown>;
  const shown = Object.fromEntries(Object.entries({ publisher, url, publishedAt, kind }).filter(([, v]) => typeof v === 'string'));
  return Object.keys(shown).length > 0 ? (shown as CitedSource) : null;
}
