import { SOURCE_KINDS } from '../vocabulary.js';
/**
 * A small JSON Schema (draft 2020-12) vocabulary and builders, so the contract's schemas read like the TypeScript
 * types they mirror. Schemas are open (unknown properties allowed): the contract adds optional fields without a new
 * version, and consumers must tolerate them. Producers' tests check strictly (see schema-check.ts).
 */

import { TERRITORY_GROUP_CODES, TERRITORY_GROUPS } from '../territories.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const SCHEMA_BASE_URI = 'https://schemas.reelwire.dev';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  uniqueItems?: boolean;
  enum?: readonly (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  examples?: unknown[];
}

export const s = {
  string: (extra: Omit<JsonSchema, 'type'> = {}): JsonSchema => ({ type: 'string', ...extra }),
  text: (maxLength = 500, description?: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength, ...(description ? { description } : {}) }),
  note: (): JsonSchema => ({ type: 'string', minLength: 1, maxLength: 2000, description: "Editor's note explaining the fix" }),
  uuid: (description?: string): JsonSchema => ({
    type: 'string',
    format: 'uuid',
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    ...(description ? { description } : {}),
  }),
  factId: (description?: string): JsonSchema => ({ type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$', ...(description ? { description } : {}) }),
  enumOf: (values: readonly string[], description?: string): JsonSchema => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) }),
  integer: (minimum?: number, maximum?: number): JsonSchema => ({ type: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) }),
  boolean: (description?: string): JsonSchema => ({ type: 'boolean', ...(description ? { description } : {}) }),
  array: (items: JsonSchema, extra: Omit<JsonSchema, 'type' | 'items'> = {}): JsonSchema => ({ type: 'array', items, ...extra }),
  /** An object with required and optional properties. */
  object: (required: Record<string, JsonSchema>, optional: Record<string, JsonSchema> = {}, extra: Omit<JsonSchema, 'type' | 'properties' | 'required'> = {}): JsonSchema => ({
    type: 'object',
    properties: { ...required, ...optional },
    required: Object.keys(required),
    ...extra,
  }),
  /** Same properties, none required (TypeScript's Partial). */
  partial: (schema: JsonSchema): JsonSchema => ({ type: 'object', properties: { ...schema.properties } }),
  /** Copy of an object schema with some properties left out (TypeScript's Omit). */
  omit: (schema: JsonSchema, keys: readonly string[]): JsonSchema => ({
    type: 'object',
    properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !keys.includes(k))),
    required: (schema.required ?? []).filter((k) => !keys.includes(k)),
  }),
  /** Merges object schemas (TypeScript's `extends` / `&`). */
  merge: (...schemas: JsonSchema[]): JsonSchema => ({
    type: 'object',
    properties: Object.assign({}, ...schemas.map((x) => x.properties ?? {})),
    required: [...new Set(schemas.flatMap((x) => x.required ?? []))],
  }),
};

/** ISO 8601 cut to year, month or day; PartialDate in envelope.ts. */
export const partialDateSchema: JsonSchema = s.object(
  {
    date: s.string({ pattern: '^\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?$', description: "'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', matching precision" }),
    precision: s.enumOf(['day', 'month', 'year']),
  },
  {},
  { description: 'A world date known to day, month or year precision', examples: [{ date: '2018', precision: 'year' }] },
);

export const countrySchema: JsonSchema = s.string({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, upper case' });
/** A country's alpha-2 code or a territory group's code (territories.ts); 'XW' (worldwide) is both shapes' overlap. */
export const territorySchema: JsonSchema = s.string({
  pattern: `^(?:[A-Z]{2}|${TERRITORY_GROUP_CODES.filter((code) => !/^[A-Z]{2}$/.test(code)).join('|')})$`,
  description: `ISO 3166-1 alpha-2, or a territory group: ${TERRITORY_GROUPS.map((g) => `'${g.code}' (${g.name})`).join(', ')}`,
});
export const languageSchema: JsonSchema = s.string({
  pattern: '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\\d{3}))?$',
  description: "BCP 47: language[-Script][-REGION], e.g. 'ko', 'ko-Kore', 'ko-Latn', 'en', 'vi'",
});

/** A value sealed under a data key (SealedDetails in envelope.ts): the label always, the ciphertext only in the log. */
export function confidentialSchema(label: string, more: Record<string, JsonSchema>, description: string): JsonSchema {
  return s.object(
    { label: { type: 'string', const: label } },
    {
      ...more,
      keyId: s.uuid('The data key that sealed it (in the log only)'),
      algorithm: { type: 'string', const: 'AES-256-GCM' },
      iv: s.string({ description: 'base64, 96 bits' }),
      ciphertext: s.string({ description: 'base64: ciphertext and 128-bit GCM tag of the JSON of the sealed fields' }),
    },
    { description },
  );
}

export const sourceCitationSchema: JsonSchema = s.object(
  { publisher: s.text(200) },
  {
    url: s.string({ format: 'uri' }),
    title: s.text(1000),
    publishedAt: s.string({ description: 'ISO 8601 date or date-time' }),
    retrievedAt: s.string({ description: 'ISO 8601 date or date-time' }),
    language: languageSchema,
    excerpt: s.string({ maxLength: 5000 }),
    confidential: confidentialSchema(
      'confidential source',
      { sourceId: s.uuid("The desk's id of the source, the same on every fact citing it (in the log only)") },
      'A confidential source: in the log its identifying details are sealed here; on Kafka and in read models only the label is left',
    ),
    kind: s.enumOf(SOURCE_KINDS, 'What kind of source: trade report, press release, company filing, interview, own reporting, festival programme'),
  },
  { description: 'Where a fact comes from' },
);

/** Stamps an event's data schema with its dialect, id and title. */
export function eventDataSchema(type: string, schemaVersion: number, data: JsonSchema, description?: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE_URI}/events/${type}/v${schemaVersion}.json`,
    title: `${type} v${schemaVersion} data`,
    ...(description ? { description } : {}),
    ...data,
  };
}
