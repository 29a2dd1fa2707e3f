/*
 * A seeded generator of malformed requests for every route of the OpenAPI document: each route gets a plausible
 * request built from its schema (real ids where a record is named), then one mutation of a given kind — broken text,
 * wrong types, impossible dates, hostile ids, bad JSON, bad query parameters. The same seed gives the same requests.
 */

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
}

/** The ids of real records, so a mutation is not simply a 404 before the body is read. */
export interface KnownIds {
  workId: string;
  otherWorkId: string;
  organizationId: string;
  personId: string;
  dealId: string;
  creditId: string;
  attachmentId: string;
  releaseId: string;
  titleId: string;
  nameId: string;
}

export interface MalformedRequest {
  kind: string;
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  /** A JSON value (sent as application/json), raw text or bytes. */
  body?: { json: unknown } | { raw: string | Buffer; contentType: string };
}

export interface Route {
  method: string;
  template: string;
  operation: Operation;
}

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), template, operation })),
  );
}

const NIL = '00000000-0000-0000-0000-000000000000';

/** Ids that name another record, never a new one. */
const REFERENCES = new Set(['organizationId', 'personId', 'workId', 'dealId', 'distributorId', 'parentOrganizationId', 'targetWorkId']);

/** Optional fields whose example alone contradicts another (a character for a director, a name split that does not match). */
const OMITTED = new Set(['character', 'billing', 'familyName', 'givenName', 'familyNameFirst', 'coProductionTreaty']);
const SQL = "x'); DROP TABLE events; --";

type Mutation = (context: MutationContext) => MalformedRequest | undefined;

interface MutationContext {
  route: Route;
  random: () => number;
  ids: KnownIds;
  /** A valid-looking body for the route, freshly built (safe to change). */
  body(): Record<string, unknown> | undefined;
  /** The route's path with real ids. */
  path(overrides?: Record<string, string>): string;
}

export class MalformedRequestGenerator {
  private readonly random: () => number;

  constructor(
    private readonly document: OpenApiDocument,
    private readonly ids: KnownIds,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The unmutated request of a route: a valid one, as far as the schema's examples make it so. */
  baseline(route: Route): MalformedRequest {
    const schema = route.operation.requestBody?.content['application/json']?.schema;
    return { kind: 'baseline', method: route.method, url: this.pathOf(route, {}), ...(schema ? { body: { json: this.exampleOf(schema, '', 0, { route }) } } : {}) };
  }

  /** Every kind that applies to the route, once, in a fixed order (the random choices inside are seeded). */
  forRoute(route: Route): MalformedRequest[] {
    const context: MutationContext = {
      route,
      random: this.random,
      ids: this.ids,
      body: () => {
        const schema = route.operation.requestBody?.content['application/json']?.schema;
        return schema ? (this.exampleOf(schema, '', 0, { route }) as Record<string, unknown>) : undefined;
      },
      path: (overrides = {}) => this.pathOf(route, overrides),
    };
    return Object.entries(MUTATIONS).flatMap(([kind, mutate]) => {
      const request = mutate(context);
      return request ? [{ ...request, kind }] : [];
    });
  }

  private pathOf(route: Route, overrides: Record<string, string>): string {
    return route.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(overrides[name] ?? this.idFor(name) ?? 'WorkRegistered'));
  }

  private idFor(name: string): string | undefined {
    const ids = this.ids as unknown as Record<string, string>;
    if (name === 'targetWorkId') return this.ids.otherWorkId;
    if (name === 'parentOrganizationId' || name === 'distributorId') return this.ids.organizationId;
    if (name === 'version') return '1';
    return ids[name];
  }

  /** Which fact a fix on this route names: one the seeded records have. */
  private factFor(route: Route | undefined): { type: string; id: string } {
    const template = route?.template ?? '';
    if (template.startsWith('/organizations')) return { type: 'organization', id: this.ids.organizationId };
    if (template.startsWith('/people')) return { type: 'person', id: this.ids.personId };
    if (template.startsWith('/deals')) return { type: 'deal', id: this.ids.dealId };
    return { type: 'title', id: this.ids.titleId };
  }

  private changesFor(route: Route): Record<string, unknown> {
    const template = route.template;
    if (template.endsWith('/move')) return {};
    if (template.startsWith('/organizations')) return { kind: 'conglomerate' };
    if (template.startsWith('/people')) return { birthYear: 1970 };
    if (template.startsWith('/deals')) return { name: 'Renamed deal' };
    return route.method === 'PATCH' ? { productionYear: 2025 } : { text: 'Save the Green Planet' };
  }

  private resolve(schema: Schema): Schema {
    if (schema.$ref) return this.resolve(this.document.components!.schemas![schema.$ref.split('/').pop()!]!);
    if (schema.allOf?.length === 1) return this.resolve(schema.allOf[0]!);
    return schema;
  }

  private exampleOf(raw: Schema, name: string, depth: number, context: { route?: Route; required?: boolean } = {}): unknown {
    const schema = this.resolve(raw);
    if (schema.format === 'uuid') {
      // An id the client may choose for a new record or fact is fresh; one that names a record is a real one.
      const ownNewId = { '/works': 'workId', '/organizations': 'organizationId', '/people': 'personId', '/deals': 'dealId' }[context.route?.template ?? ''];
      if (name === ownNewId || (!context.required && !REFERENCES.has(name))) return crypto.randomUUID();
      return this.idFor(name) ?? crypto.randomUUID();
    }
    if (name === 'fact') return this.factFor(context.route);
    if (name === 'changes' && context.route) return this.changesFor(context.route);
    if (schema.example !== undefined) return structuredClone(schema.example);
    if (schema.enum) return schema.enum[0];
    if (schema.properties && depth < 4) {
      const entries = Object.entries(schema.properties).filter(([key]) => !OMITTED.has(key));
      return Object.fromEntries(entries.map(([key, property]) => [key, this.exampleOf(property, key, depth + 1, { route: context.route, required: schema.required?.includes(key) })]));
    }
    switch (schema.type) {
      case 'array':
        return schema.items ? [this.exampleOf(schema.items, name, depth + 1, { route: context.route, required: true })] : [];
      case 'number':
      case 'integer':
        return 1;
      case 'boolean':
        return true;
      case 'object':
        return {};
      default:
        return name === 'publishedAt' || name === 'retrievedAt' ? '2025-11-24' : name === 'url' ? 'https://example.org/' : 'text';
    }
  }
}

/** Paths (as key lists) to every leaf in a JSON value that satisfies `keep`. */
function leaves(value: unknown, keep: (leaf: unknown, key: string) => boolean, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, keep, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, keep, [...path, key]));
  const key = String(path.at(-1) ?? '');
  return path.length > 0 && keep(value, key) ? [path] : [];
}

function setAt(target: unknown, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

function pick<T>(random: () => number, list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(random() * list.length)];
}

const isString = (leaf: unknown): boolean => typeof leaf === 'string';
const isId = (leaf: unknown, key: string) => typeof leaf === 'string' && (key === 'id' || key.endsWith('Id'));

/** A body with one string leaf (chosen at random) replaced. */
function withText(context: MutationContext, replace: (text: string) => unknown, where: (leaf: unknown, key: string) => boolean = isString): MalformedRequest | undefined {
  const body = context.body();
  const path = pick(context.random, leaves(body, where));
  if (!body || !path) return undefined;
  let node: unknown = body;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  setAt(body, path, replace(node as string));
  return { kind: '', method: context.route.method, url: context.path(), body: { json: body } };
}

/** The same, written by hand so that an escape JSON.stringify would not produce (a lone surrogate) reaches the API. */
function withRawText(context: MutationContext, escape: string): MalformedRequest | undefined {
  const body = context.body();
  const path = pick(context.random, leaves(body, isString));
  if (!body || !path) return undefined;
  const marker = `@@${Math.floor(context.random() * 1e9)}@@`;
  setAt(body, path, marker);
  return { kind: '', method: context.route.method, url: context.path(), body: { raw: JSON.stringify(body).replace(marker, escape), contentType: 'application/json' } };
}

function withBody(context: MutationContext, change: (body: Record<string, unknown>) => unknown): MalformedRequest | undefined {
  const body = context.body();
  return body ? { kind: '', method: context.route.method, url: context.path(), body: { json: change(body) } } : undefined;
}

function rawBody(context: MutationContext, raw: string | Buffer, contentType = 'application/json'): MalformedRequest | undefined {
  return context.route.operation.requestBody ? { kind: '', method: context.route.method, url: context.path(), body: { raw, contentType } } : undefined;
}

function pathParams(context: MutationContext): string[] {
  return (context.route.operation.parameters ?? []).filter((p) => p.in === 'path' && p.schema?.type !== 'number').map((p) => p.name);
}

function queryParams(context: MutationContext): string[] {
  return (context.route.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
}

function withPathId(context: MutationContext, id: (real: string) => string): MalformedRequest | undefined {
  const name = pick(context.random, pathParams(context));
  if (!name) return undefined;
  const body = context.body();
  const real = context.path().split('/').find((segment) => /^[0-9a-f-]{36}$/.test(segment)) ?? context.ids.workId;
  return { kind: '', method: context.route.method, url: context.path({ [name]: id(real) }), ...(body ? { body: { json: body } } : {}) };
}

function withQuery(context: MutationContext, value: (name: string) => string, names = queryParams(context)): MalformedRequest | undefined {
  const name = pick(context.random, names);
  if (!name) return undefined;
  return { kind: '', method: context.route.method, url: `${context.path()}?${encodeURIComponent(name)}=${value(name)}` };
}

/** JSON nested `depth` objects deep, as text: too deep for JSON.stringify to write. */
function deep(depth: number): string {
  return `${'{"nested":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
}

const DATE_KEYS = new Set(['publishedAt', 'retrievedAt', 'date']);

const MUTATIONS: Record<string, Mutation> = {
  'nul-in-text': (c) => withText(c, (text) => `${text}\u0000`),
  'lone-high-surrogate': (c) => withRawText(c, 'Half \\ud83c a flag'),
  'lone-low-surrogate': (c) => withRawText(c, '\\udc00'),
  'c0-control': (c) => withText(c, (text) => `\u0007${text}\u001b`),
  'c1-control': (c) => withText(c, (text) => `${text}\u0085\u009b`),
  'del-character': (c) => withText(c, (text) => `${text}\u007f`),
  'line-break-in-text': (c) => withText(c, (text) => `${text}\r\nsecond line`),
  'over-long-text': (c) => withText(c, () => 'x'.repeat(20_000)),
  'number-for-text': (c) => withText(c, () => 123456789012345678901234567890),
  'object-for-text': (c) => withText(c, () => ({ $gt: '' })),
  'array-for-text': (c) => withText(c, (text) => [text, text]),
  'null-for-field': (c) => withBody(c, (body) => ({ ...body, [pick(c.random, Object.keys(body))!]: null })),
  'missing-field': (c) =>
    withBody(c, (body) => {
      delete body[pick(c.random, Object.keys(body))!];
      return body;
    }),
  'unknown-field': (c) => withBody(c, (body) => ({ ...body, budget: 1_000_000 })),
  'proto-key': (c) => (c.body() ? rawBody(c, JSON.stringify(c.body()).replace(/^\{/, '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}},')) : undefined),
  'deep-nesting': (c) => {
    const body = c.body();
    if (!body) return undefined;
    body[pick(c.random, Object.keys(body))!] = '@@deep@@';
    return { kind: '', method: c.route.method, url: c.path(), body: { raw: JSON.stringify(body).replace('"@@deep@@"', deep(pick(c.random, [40, 1_000, 10_000])!)), contentType: 'application/json' } };
  },
  'impossible-date': (c) => withText(c, (text) => (/^\d{4}$/.test(text) ? '2025-02-30' : '2025-02-30T10:00:00Z'), (leaf, key) => isString(leaf) && DATE_KEYS.has(key)),
  'year-zero-date': (c) => withText(c, (text) => (/^\d{4}$/.test(text) ? '0000' : '0000-01-01'), (leaf, key) => isString(leaf) && DATE_KEYS.has(key)),
  'extreme-number': (c) => {
    const body = c.body();
    const path = pick(c.random, leaves(body, (leaf) => typeof leaf === 'number' || typeof leaf === 'boolean'));
    if (!body || !path) return undefined;
    const marker = '"@@number@@"';
    setAt(body, path, '@@number@@');
    return { kind: '', method: c.route.method, url: c.path(), body: { raw: JSON.stringify(body).replace(marker, pick(c.random, ['1e400', '-1e400', '-0', '9007199254740993', '-1', '0.5'])!), contentType: 'application/json' } };
  },
  'upper-case-body-id': (c) => withText(c, (id) => id.toUpperCase(), isId),
  'nil-body-id': (c) => withText(c, () => NIL, isId),
  'sql-in-text': (c) => withText(c, () => SQL),
  'sql-in-id': (c) => withText(c, () => SQL, isId),
  'nul-in-key': (c) => withBody(c, (body) => ({ ...body, changes: { 'kind\u0000': 'series', '': 1 } })),
  'json-syntax-error': (c) => rawBody(c, '{"source": {"publisher": "x"},'),
  'scalar-body': (c) => rawBody(c, pick(c.random, ['"text"', '42', 'null', 'true', '[]'])!),
  'invalid-utf8': (c) => rawBody(c, Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('","source":{"publisher":"x"}}')])),
  'text-content-type': (c) => rawBody(c, JSON.stringify(c.body() ?? {}), 'text/plain'),
  'empty-json-body': (c) => rawBody(c, ''),
  'upper-case-path-id': (c) => withPathId(c, (real) => real.toUpperCase()),
  'nil-path-id': (c) => withPathId(c, () => NIL),
  'malformed-path-id': (c) => withPathId(c, () => pick(c.random, [SQL, '\u0000', '../../etc/passwd', '5eed0c00-0000-4000-8000-00000000000g', 'x'.repeat(300)])!),
  'nul-in-query': (c) => withQuery(c, () => `x%00y`),
  'impossible-as-of': (c) => withQuery(c, () => pick(c.random, ['2025-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2025-02-30', '+275760-09-13T00:00:01Z'])!, queryParams(c).filter((n) => n === 'asOf')),
  'cursor-out-of-range': (c) => withQuery(c, () => pick(c.random, ['9223372036854775808', '-1', '1e3', Buffer.from(JSON.stringify(['a\u0000', 'b'])).toString('base64url')])!, queryParams(c).filter((n) => n === 'cursor' || n === 'asOfPosition')),
  // Already percent-encoded: some are bytes that are not UTF-8 (an encoded surrogate, 0xFF) or a header injection.
  'garbage-query-value': (c) => withQuery(c, () => pick(c.random, [encodeURIComponent(SQL), '2025-02-30', '-1', 'NaN', '%ED%A0%80', '%FF%FE', 'x'.repeat(5000), '%0D%0ASet-Cookie:%20x=1'])!),
  'impossible-partial-date-query': (c) =>
    withQuery(c, () => pick(c.random, ['2025-02-30', '0000', '2025-13', '2025-00-10'])!, queryParams(c).filter((n) => n.startsWith('occurred'))),
  'repeated-query-parameter': (c) => {
    const name = pick(c.random, queryParams(c));
    return name ? { kind: '', method: c.route.method, url: `${c.path()}?${name}=1&${name}=2&${name}[]=3` } : undefined;
  },
};

export const MUTATION_KINDS = Object.keys(MUTATIONS);
