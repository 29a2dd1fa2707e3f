import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { dataKeyAssociatedData, decrypt, encrypt, keyEncryptionKeyId } from './sealing.js';

export type KeyScope = { type: 'source' | 'person'; id: string };

export interface DataKey {
  keyId: string;
  key: Buffer;
}

interface KeyRow {
  key_id: string;
  scope_type: string;
  scope_id: string;
  wrapped_key: Buffer;
  kek_id: string;
}

/**
 * The data keys (table data_keys, migration 0013), one per scope: a confidential source or a person. Keys are stored
 * wrapped by the key-encryption key and unwrapped for each use; nothing unwrapped is kept between requests, so a key
 * destroyed through any instance opens nothing on any instance afterwards.
 */
export class KeyVault {
  private readonly kekId: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly kek: Buffer,
  ) {
    this.kekId = keyEncryptionKeyId(kek);
  }

  /** The scope's key, made on first use. Two writers making one at once agree on the first one stored. */
  async keyFor(scope: KeyScope): Promise<DataKey> {
    const existing = await this.byScope(scope);
    if (existing) return existing;
    const keyId = randomUUID();
    const key = randomBytes(32);
    const { iv, ciphertext } = encrypt(this.kek, key, dataKeyAssociatedData(keyId, scope.type, scope.id));
    await this.pool.query(
      `INSERT INTO data_keys (key_id, scope_type, scope_id, wrapped_key, kek_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope_type, scope_id) DO NOTHING`,
      [keyId, scope.type, scope.id, Buffer.concat([iv, ciphertext]), this.kekId],
    );
    const stored = await this.byScope(scope);
    if (!stored) throw new Error(`data key for ${scope.type} ${scope.id} vanished while it was made`);
    return stored;
  }

  /**
   * The keys that still exist among `keyIds`, unwrapped. A destroyed key is simply absent; a key wrapped by another
   * key-encryption key than the configured one is reported in `unopenable` (a configuration mistake, not an erasure).
   */
  async open(keyIds: readonly string[]): Promise<{ keys: Map<string, Buffer>; unopenable: Set<string> }> {
    const keys = new Map<string, Buffer>();
    const unopenable = new Set<string>();
    const ids = [...new Set(keyIds)];
    if (ids.length === 0) return { keys, unopenable };
    const { rows } = await this.pool.query<KeyRow>(`SELECT key_id::text, scope_type, scope_id, wrapped_key, kek_id FROM data_keys WHERE key_id = ANY($1::uuid[])`, [ids]);
    for (const row of rows) {
      const key = this.unwrap(row);
      if (key) keys.set(row.key_id, key);
      else unopenable.add(row.key_id);
    }
    return { keys, unopenable };
  }

  /** Destroys every key of the scope; answers the ids destroyed. */
  async destroy(scope: KeyScope): Promise<string[]> {
    const { rows } = await this.pool.query<{ key_id: string }>(`DELETE FROM data_keys WHERE scope_type = $1 AND scope_id = $2 RETURNING key_id::text`, [scope.type, scope.id]);
    return rows.map((row) => row.key_id);
  }

  private async byScope(scope: KeyScope): Promise<DataKey | undefined> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT key_id::text, scope_type, scope_id, wrapped_key, kek_id FROM data_keys WHERE scope_type = $1 AND scope_id = $2`, [scope.type, scope.id]);
    const row = rows[0];
    if (!row) return undefined;
    const key = this.unwrap(row);
    if (!key) throw new Error(`data key ${row.key_id} was wrapped by key-encryption key ${row.kek_id}, not the configured ${this.kekId}: check REELWIRE_KEY_ENCRYPTION_KEY`);
    return { keyId: row.key_id, key };
  }

  private unwrap(row: KeyRow): Buffer | undefined {
    try {
      return decrypt(this.kek, row.wrapped_key.subarray(0, 12), row.wrapped_key.subarray(12), dataKeyAssociatedData(row.key_id, row.scope_type, row.scope_id));
    } catch {
      return undefined;
    }
  }
}
