/** Reading the admin API's own OpenAPI document (GET /docs-json) to test the API against it, route by route. */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> }>;
  security?: unknown[];
  'x-public'?: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface Route {
  method: string;
  path: string;
  operation: Operation;
}

export function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

export function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  while (current.$ref) current = document.components.schemas[current.$ref.replace('#/components/schemas/', '')] ?? {};
  if (current.allOf) return current.allOf.reduce<Schema>((merged, part) => mergeSchemas(merged, resolve(document, part)), { ...current, allOf: undefined });
  return current;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  return { ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] };
}

/** The parameter's documented example: its own, its schema's, the first enum value, or its default. */
export function documentedValue(parameter: Parameter): unknown {
  const schema = parameter.schema ?? {};
  return parameter.example ?? schema.example ?? schema.enum?.[0] ?? schema.items?.enum?.[0] ?? schema.default;
}

/**
 * A value built from the schema's examples (an object from its required properties and those with an example, an
 * array of one example item), for a request body the document describes; a UUID without an example is `idFor(its
 * property name, whether it is required)`.
 */
export function exampleFrom(
  document: OpenApiDocument,
  raw: Schema | undefined,
  idFor: (name: string, required: boolean) => string | undefined = () => undefined,
  depth = 0,
  name = '',
  required = false,
): unknown {
  const schema = resolve(document, raw);
  if (schema.example !== undefined || raw?.example !== undefined) return raw?.example ?? schema.example;
  if (schema.format === 'uuid') return idFor(name, required);
  // An optional property the document gives no example of is left out (the example does not use it).
  if (!required && depth > 0) return undefined;
  if (depth > 8) return undefined;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'array' || schema.items) {
    const item = exampleFrom(document, schema.items, idFor, depth + 1, name, true);
    return item === undefined ? [] : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const value: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const example = exampleFrom(document, property, idFor, depth + 1, key, (schema.required ?? []).includes(key));
      if (example !== undefined) value[key] = example;
    }
    return value;
  }
  return schema.default;
}

const JSON_TYPE = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

/**
 * Where a JSON value departs from the schema: required properties missing, a property of another type, a value
 * outside its enum. Unknown properties are allowed (answers may grow).
 */
export function schemaErrors(document: OpenApiDocument, raw: Schema | undefined, value: unknown, at = '$'): string[] {
  const schema = resolve(document, raw);
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${at}: null, documented ${schema.type}`];
  const errors: string[] = [];
  const actual = JSON_TYPE(value);
  const typeOk = !schema.type || schema.type === actual || (schema.type === 'number' && actual === 'integer');
  if (!typeOk) return [`${at}: ${actual}, documented ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of the documented ${schema.enum.join(', ')}`);
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) errors.push(`${at}.${name}: missing, documented as required`);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (object[name] !== undefined) errors.push(...schemaErrors(document, property, object[name], `${at}.${name}`));
    }
  }
  if (actual === 'array' && schema.items) (value as unknown[]).slice(0, 3).forEach((item, i) => errors.push(...schemaErrors(document, schema.items, item, `${at}[${i}]`)));
  return errors;
}

/**
 * Where an answer departs from a documented example's shape: the example's top-level members must be there, and
 * every member both have must be of the same JSON type (recursively; arrays by their first elements).
 */
export function shapeErrors(example: unknown, actual: unknown, at = '$', depth = 0): string[] {
  const [e, a] = [JSON_TYPE(example), JSON_TYPE(actual)];
  const same = e === a || (e === 'integer' && a === 'number') || (e === 'number' && a === 'integer');
  if (!same) return [`${at}: ${a}, the example has ${e}`];
  if (e === 'array') {
    const [first] = example as unknown[];
    const [actualFirst] = actual as unknown[];
    return first !== undefined && actualFirst !== undefined ? shapeErrors(first, actualFirst, `${at}[0]`, depth + 1) : [];
  }
  if (e !== 'object') return [];
  const [exampleObject, actualObject] = [example as Record<string, unknown>, actual as Record<string, unknown>];
  const errors: string[] = [];
  for (const [name, value] of Object.entries(exampleObject)) {
    if (!(name in actualObject)) {
      if (depth === 0) errors.push(`${at}.${name}: missing (in the example)`);
      continue;
    }
    errors.push(...shapeErrors(value, actualObject[name], `${at}.${name}`, depth + 1));
  }
  return errors;
}

/** Every example a response or request content documents (`example`, or each of `examples`). */
export function contentExamples(content: { example?: unknown; examples?: Record<string, { value: unknown }>; schema?: Schema } | undefined): unknown[] {
  if (!content) return [];
  const own = [content.example, ...Object.values(content.examples ?? {}).map((e) => e.value), content.schema?.example].filter((e) => e !== undefined);
  return own;
}

/** A fact whose life is over: detached, occurred or cancelled, a credit that ended. */
const isSettled = (fact: Record<string, unknown>) => fact.detached !== undefined || fact.status === 'occurred' || fact.status === 'cancelled' || (fact.creditId !== undefined && fact.to !== undefined);

/**
 * The ids of the current facts in an aggregate's state, by their field name (creditId, nameId, statusChangeId…): of
 * each kind, the last one that is neither replaced nor retracted, preferring one that is not primary and not settled
 * (detached, occurred, cancelled), since an example edits a fact that can still take it; `live`: only unsettled ones.
 */
export function currentFactIds(state: unknown, options: { live?: boolean } = {}): Record<string, string> {
  const ranked: Record<string, Array<{ id: string; rank: number }>> = {};
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const fact = value as Record<string, unknown>;
    if (fact.rank === 'deprecated' || fact.retracted) return;
    if (options.live && isSettled(fact)) return;
    const rank = (fact.primary === true ? 2 : 0) + (isSettled(fact) ? 1 : 0);
    for (const [key, field] of Object.entries(fact)) {
      if (/Id$/.test(key) && typeof field === 'string') (ranked[key] ??= []).push({ id: field, rank });
      else if (typeof field === 'object') walk(field);
    }
  };
  walk(state);
  return Object.fromEntries(Object.entries(ranked).map(([key, candidates]) => [key, [...candidates].reverse().sort((a, b) => a.rank - b.rank)[0]!.id]));
}

/** Every id that appears anywhere in a state (the records it already refers to). */
export function idsIn(state: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
    else if (typeof value === 'string') found.add(value);
  };
  walk(state);
  return found;
}

/** The id field of a fact type: 'company-credit' → creditId or companyCreditId, 'status-change' → statusChangeId. */
export function idFieldsOf(factType: string): string[] {
  const words = factType.split('-');
  const camel = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  return [`${camel}Id`, `${words.at(-1)}Id`];
}
