import type { FieldError } from '../problem-details/problem-details.js';

/*
 * What every text that enters the API goes through before any DTO or rule sees it: one walk over the request body
 * (and the query string) that
 *  - normalizes every string to NFC, so "Mang mẹ đi bỏ" typed as decomposed characters (what some macOS and mobile
 *    keyboards send) is the same string as the composed one, is stored so and is found by the same search;
 *  - refuses control characters (C0, DEL, C1; tab and line breaks only in multi-line fields) and lone UTF-16
 *    surrogates, which PostgreSQL refuses at append (NUL) or which no reader can display;
 *  - bounds every text by its field (documented as maxLength in the OpenAPI document from the same table);
 *  - writes UUID ids in lower case (an id typed in upper case names the same record) and refuses the nil UUID.
 * A refused request names every offending field and changes nothing.
 */

/** Fields whose text may span lines (tab, CR and LF allowed). */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['note', 'excerpt', 'reason']);

/** Maximum length in characters (Unicode code points, as JSON Schema counts them) by field name. */
export const TEXT_LIMITS: Readonly<Record<string, number>> = {
  note: 2000,
  excerpt: 2000,
  reason: 2000,
  url: 2048,
  publisher: 300,
};

/** Every other text: titles, names, characters, festivals, labels, codes and ids. */
export const DEFAULT_TEXT_LIMIT = 500;

/** Keys of free-form objects (`changes`, `externalIds`) are names, not prose. */
export const KEY_LIMIT = 100;

/** Deeper than any request the API documents; refusing here keeps a hostile body from exhausting the stack below. */
export const MAX_BODY_DEPTH = 32;

export function textLimitOf(field: string): number {
  return TEXT_LIMITS[field] ?? DEFAULT_TEXT_LIMIT;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** C0 controls (NUL … US), DEL and C1 controls; the multi-line variant spares tab, LF and CR. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Why a text cannot be accepted, in words for the field's message; undefined when it can. */
export function textProblem(value: string, multiLine: boolean): string | undefined {
  if (LONE_SURROGATE.test(value)) {
    return 'contains a lone UTF-16 surrogate (half of a character): send valid Unicode text';
  }
  const control = (multiLine ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL).exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const allowed = multiLine ? ' (tab and line breaks are allowed in this field)' : '';
    return `contains the control character U+${code} at position ${control.index}: remove it${allowed}`;
  }
  return undefined;
}

/** An id field by its name (`workId`, `parentOrganizationId`, `fact.id`). */
function isIdField(name: string): boolean {
  return name === 'id' || name.endsWith('Id');
}

/** Normalized id or a problem: UUIDs in lower case, the nil UUID refused. Other fact ids are opaque and kept. */
export function uuidProblem(value: string): string | undefined {
  return UUID.test(value) && value.toLowerCase() === NIL_UUID ? 'must not be the nil UUID (all zeros): name a real record' : undefined;
}

export function normalizeId(value: string): string {
  return UUID.test(value) ? value.toLowerCase() : value;
}

interface Admission<T> {
  value: T;
  errors: FieldError[];
}

/** The request body with its texts admitted, or the field errors that refuse it. */
export function admitBody(body: unknown): Admission<unknown> {
  const errors: FieldError[] = [];
  const value = admit(body, '', '', 0, errors);
  return { value, errors };
}

function admit(value: unknown, path: string, name: string, depth: number, errors: FieldError[]): unknown {
  const field = path || 'body';
  if (typeof value === 'string') return admitString(value, field, name, errors);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_BODY_DEPTH) {
    errors.push({ field, message: `${field} nests deeper than ${MAX_BODY_DEPTH} levels` });
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => admit(item, join(path, String(index)), name, depth + 1, errors));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const keyPath = join(path, key);
    const keyProblem = textProblem(key, false) ?? (codePoints(key) > KEY_LIMIT ? `is a key longer than ${KEY_LIMIT} characters` : undefined);
    if (keyProblem) {
      errors.push({ field: join(path, printable(key)), message: `${join(path, printable(key))} ${keyProblem}` });
      continue;
    }
    define(out, key.normalize('NFC'), admit(item, keyPath, key, depth + 1, errors));
  }
  return out;
}

function admitString(value: string, field: string, name: string, errors: FieldError[]): string {
  const problem = textProblem(value, MULTI_LINE_FIELDS.has(name));
  if (problem) {
    errors.push({ field, message: `${field} ${problem}` });
    return value;
  }
  const text = value.normalize('NFC');
  const limit = textLimitOf(name);
  const length = codePoints(text);
  if (length > limit) {
    errors.push({ field, message: `${field} must be at most ${limit} characters (got ${length})` });
    return text;
  }
  if (isIdField(name)) {
    const idProblem = uuidProblem(text);
    if (idProblem) errors.push({ field, message: `${field} ${idProblem}` });
    return normalizeId(text);
  }
  return text;
}

/**
 * A query string's values admitted the same way: every parameter is single-line text. `name` is the parameter when
 * the handler asked for one (`@Query('occurredBefore')`), absent when it takes them all.
 */
export function admitQuery(query: unknown, name: string | undefined): Admission<unknown> {
  const errors: FieldError[] = [];
  const admitValue = (value: unknown, field: string): unknown => {
    if (typeof value === 'string') {
      const problem = textProblem(value, false);
      if (problem) {
        errors.push({ field, message: `${field} ${problem}` });
        return value;
      }
      return value.normalize('NFC');
    }
    if (Array.isArray(value)) return value.map((item) => admitValue(item, field));
    return value;
  };
  if (name !== undefined) return { value: admitValue(query, name), errors };
  if (query === null || typeof query !== 'object') return { value: query, errors };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    const keyProblem = textProblem(key, false);
    if (keyProblem) {
      errors.push({ field: printable(key), message: `query parameter ${printable(key)} ${keyProblem}` });
      continue;
    }
    define(out, key, admitValue(value, key));
  }
  return { value: out, errors };
}

/** An own property even when the key is `__proto__`: a body's keys never reach a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A key as it can be shown in a message: control characters and lone surrogates escaped. */
function printable(key: string): string {
  return JSON.stringify(key).slice(1, -1).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
