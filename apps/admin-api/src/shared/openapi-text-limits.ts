import type { OpenAPIObject } from '@nestjs/swagger';
import { MULTI_LINE_FIELDS, textLimitOf } from './text-at-the-edge.js';

interface SchemaLike {
  type?: unknown;
  enum?: unknown;
  format?: unknown;
  maxLength?: number;
  properties?: Record<string, SchemaLike>;
  items?: SchemaLike;
}

/** How every text is read, for the document's description. */
export const TEXT_RULES =
  'Texts are Unicode and stored in NFC (composed) form; control characters, lone UTF-16 surrogates and, outside ' +
  `${[...MULTI_LINE_FIELDS].join(', ')}, line breaks and tabs are refused with a 400 naming the field; each text's limit is its maxLength. ` +
  'Ids are UUIDs in any case (read in lower case); the nil UUID names nothing. Dates and instants must exist (2025-02-30 is a 400).';

/**
 * Writes the limits the edge enforces (text-at-the-edge.ts) into the request schemas of the OpenAPI document, from the
 * same table, so the document cannot promise more than the API accepts: every text property gets its maxLength.
 */
export function documentTextLimits(document: OpenAPIObject): OpenAPIObject {
  for (const schema of Object.values(document.components?.schemas ?? {}) as SchemaLike[]) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const strings = property.type === 'array' && property.items?.type === 'string' ? property.items : property;
      if (strings.type !== 'string' || strings.enum !== undefined) continue;
      strings.maxLength = Math.min(strings.maxLength ?? Number.POSITIVE_INFINITY, textLimitOf(name));
    }
  }
  return document;
}
