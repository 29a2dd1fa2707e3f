import type { JsonSchema } from './json-schema.js';

/**
 * A deliberately small JSON Schema checker: type, required, properties, items, enum, const, pattern, minLength,
 * maxLength, minimum, maximum, exclusiveMinimum, minItems, uniqueItems. Enough to test that events conform to their
 * contract without a validator dependency; not a general validator (no $ref, oneOf, formats).
 * `strict`: also reports properties the schema does not declare (catches drift between types and schemas).
 */
export function checkAgainstSchema(schema: JsonSchema, value: unknown, options: { strict?: boolean } = {}, path = '$'): string[] {
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);

  if (schema.type !== undefined && !hasType(value, schema.type)) {
    fail(`expected ${schema.type}, got ${describe(value)}`);
    return errors;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as never)) fail(`must be one of ${schema.enum.join(', ')}; got ${JSON.stringify(value)}`);
  if (schema.const !== undefined && value !== schema.const) fail(`must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}: ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`above ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail(`not above ${schema.exclusiveMinimum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('items are not unique');
    if (schema.items) value.forEach((item, i) => errors.push(...checkAgainstSchema(schema.items!, item, options, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) if (!(key in value) || value[key] === undefined) fail(`missing required property ${key}`);
    for (const [key, v] of Object.entries(value)) {
      const propertySchema = schema.properties?.[key];
      if (propertySchema) errors.push(...checkAgainstSchema(propertySchema, v, options, `${path}.${key}`));
      else if (schema.additionalProperties === false || (options.strict && schema.properties !== undefined)) fail(`property ${key} is not in the schema`);
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default: {
      const exhaustive: never = type;
      return exhaustive;
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
