import type pg from 'pg';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import { READ_MODELS_SCHEMA, schemaIdent } from '../engine/pg-store.js';
import { versionsAt, type ViewAt } from '../engine/system-time.js';

/**
 * What every read-model query takes: the schema (default `read_models`, so the same code answers from a rebuilt
 * shadow), "today" for durations, and the view — now, or as of a global position (`at`).
 */
export interface QueryOptions extends ViewAt {
  schema?: string;
  /** "Today" for the development duration (defaults to now). */
  now?: Date;
}

export type Queryable = Pick<pg.Pool, 'query'>;

export const schemaOf = (options?: QueryOptions) => schemaIdent(options?.schema ?? READ_MODELS_SCHEMA);

/** A query's bind parameters, with versionsAt for each versioned table it reads. */
export class QueryParams {
  readonly values: unknown[] = [];
  constructor(private readonly view: ViewAt = {}) {}

  /** Adds a value; returns its placeholder. */
  add = (value: unknown): string => `$${this.values.push(value)}`;

  /** The condition that keeps the versions of `alias` the view sees. */
  at(alias: string): string {
    return versionsAt(alias, this.view, this.add);
  }
}

export const partialDateOf = (date: string | null, precision: string | null): PartialDate | null => (date && precision ? { date, precision: precision as PartialDate['precision'] } : null);
