export type ColumnType = 'text' | 'integer' | 'bigint' | 'boolean' | 'date' | 'jsonb' | 'text[]';

/** Columns and their Postgres types, in insert order; every row of the table has exactly these keys. */
export type TableColumns<R> = { readonly [K in keyof R & string]: ColumnType };
