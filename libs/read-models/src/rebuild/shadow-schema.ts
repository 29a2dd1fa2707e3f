import type pg from 'pg';
import { schemaIdent } from '../engine/pg-store.js';

/** The base tables of a schema, in name order. */
export async function tablesIn(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
  return rows.map((r) => r.name);
}

async function indexesOf(client: pg.ClientBase, schema: string, table: string) {
  const { rows } = await client.query<{ name: string; def: string; constraint_name: string | null; constraint_type: string | null }>(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def, con.conname AS constraint_name, con.contype::text AS constraint_type
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = t.oid AND con.contype IN ('p', 'u')
      WHERE n.nspname = $1 AND t.relname = $2
      ORDER BY ic.relname`,
    [schema, table],
  );
  return rows;
}

async function serialColumns(client: pg.ClientBase, schema: string, table: string) {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_default LIKE 'nextval(%' ORDER BY ordinal_position`,
    [schema, table],
  );
  return rows.map((r) => r.column_name);
}

/**
 * Creates `shadow` with the same tables as `live` (columns, defaults, CHECK constraints, storage and compression
 * settings — a column set to lz4 would otherwise go back to the default pglz at every swap — and every index and
 * primary / unique key under its live name), empty. An existing `shadow` (a rebuild that did not finish) is dropped first.
 * Serial columns get a sequence of their own in the shadow, so dropping the old schema after the swap cannot take
 * their default with it. Run inside the caller's transaction.
 *
 * With `deferSecondaryIndexes`, the indexes that back no constraint (plain and GIN lookups) are not created but
 * returned: a bulk load then maintains only the keys (which must reject a duplicate row as live does) and the caller
 * builds the rest once, after the load, which is several times faster than growing them row by row.
 *
 * With `deferPrimaryKeysOf`, the primary keys of those tables are not created either but returned as `deferredKeys`
 * (the statements that make them, in order): maintaining a key row by row during a bulk load costs more than the rows
 * themselves, and building it once from the loaded rows is cheaper and makes a smaller index (docs/benchmarks.md,
 * section 4). The caller builds them as soon as the load is in, before anything else writes the tables; a duplicate key
 * then fails the build as it would have failed the load.
 */
export async function createShadowSchema(
  client: pg.ClientBase,
  live: string,
  shadow: string,
  options: { deferSecondaryIndexes?: boolean; deferPrimaryKeysOf?: readonly string[] } = {},
): Promise<{ tables: string[]; deferredIndexes: string[]; deferredKeys: string[] }> {
  const l = schemaIdent(live);
  const s = schemaIdent(shadow);
  await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.query(`CREATE SCHEMA ${s}`);
  const tables = await tablesIn(client, live);
  const deferredIndexes: string[] = [];
  const deferredKeys: string[] = [];
  for (const table of tables) {
    const t = `"${table}"`;
    await client.query(`CREATE TABLE ${s}.${t} (LIKE ${l}.${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS)`);
    // LIKE leaves the table's storage parameters behind (a current table's fillfactor, which keeps its edits HOT).
    const { rows: storage } = await client.query<{ option: string }>(
      `SELECT unnest(c.reloptions) AS option FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [live, table],
    );
    if (storage.length) await client.query(`ALTER TABLE ${s}.${t} SET (${storage.map((o) => o.option).join(', ')})`);
    for (const column of await serialColumns(client, live, table)) {
      const sequence = `"${table}_${column}_seq"`;
      await client.query(`CREATE SEQUENCE ${s}.${sequence} AS bigint OWNED BY ${s}.${t}."${column}"`);
      await client.query(`ALTER TABLE ${s}.${t} ALTER COLUMN "${column}" SET DEFAULT nextval('${shadow}.${sequence.replaceAll('"', '')}'::regclass)`);
    }
    for (const index of await indexesOf(client, live, table)) {
      const def = index.def.replace(` ON ${live}.`, ` ON ${shadow}.`).replace(` ON ${l}.`, ` ON ${s}.`);
      if (!def.includes(` ON ${shadow}.`) && !def.includes(` ON ${s}.`)) throw new Error(`cannot re-target index definition: ${index.def}`);
      if (options.deferSecondaryIndexes && !index.constraint_name && !/^CREATE UNIQUE /.test(def)) {
        deferredIndexes.push(def);
        continue;
      }
      const statements = [def];
      if (index.constraint_name && index.constraint_type) {
        const kind = index.constraint_type === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
        statements.push(`ALTER TABLE ${s}.${t} ADD CONSTRAINT "${index.constraint_name}" ${kind} USING INDEX "${index.name}"`);
      }
      if (index.constraint_type === 'p' && options.deferPrimaryKeysOf?.includes(table)) deferredKeys.push(...statements);
      else for (const statement of statements) await client.query(statement);
    }
  }
  return { tables, deferredIndexes, deferredKeys };
}

/**
 * The same tables as session-local temporary tables (schema pg_temp), for a verification that writes nothing real:
 * create them in a short read-write transaction, then fill and compare them in READ ONLY transactions (writes to
 * temporary tables and temporary sequences are allowed there).
 */
export async function createTempShadow(client: pg.ClientBase, live: string): Promise<string[]> {
  const l = schemaIdent(live);
  const tables = await tablesIn(client, live);
  for (const table of tables) {
    const t = `"${table}"`;
    await client.query(`DROP TABLE IF EXISTS pg_temp.${t}`);
    await client.query(`CREATE TEMP TABLE ${t} (LIKE ${l}.${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING INDEXES)`);
    for (const column of await serialColumns(client, live, table)) {
      const sequence = `audit_${table}_${column}_seq`;
      await client.query(`DROP SEQUENCE IF EXISTS pg_temp.${sequence}`);
      await client.query(`CREATE TEMP SEQUENCE ${sequence}`);
      await client.query(`ALTER TABLE pg_temp.${t} ALTER COLUMN "${column}" SET DEFAULT nextval('pg_temp.${sequence}'::regclass)`);
    }
  }
  return tables;
}
