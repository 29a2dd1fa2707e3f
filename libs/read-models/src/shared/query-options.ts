import type pg from 'pg';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import { READ_MODELS_SCHEMA, schemaIdent } from '../engine/pg-store.js';
import type { TableSpec } from '../engine/projection.js';
import { tableAt, type ViewAt } from '../engine/system-time.js';

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

/** A query's bind parameters, and the FROM item of each read-model table in the query's view. */
export class QueryParams {
  readonly values: unknown[] = [];
  private readonly schema: string;
  constructor(private readonly options: QueryOptions = {}) {
    this.schema = schemaOf(options);
  }

  /** Adds a value; returns its placeholder. */
  add = (value: unknown): string => `$${this.values.push(value)}`;

  /** `table AS alias` as the view sees it: the current rows, or the versions true at the view's position. */
  from(table: TableSpec, alias: string): string {
    return tableAt(this.schema, table, alias, this.options, this.add);
  }
}

export const partialDateOf = (date: string | null, precision: string | null): PartialDate | null => (date && precision ? { date, precision: precision as PartialDate['precision'] } : null);
