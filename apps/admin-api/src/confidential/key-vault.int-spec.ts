import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { KeyVault } from './key-vault.js';
import { openJson, sealJson, sourceAssociatedData } from './sealing.js';

/** The data keys in real PostgreSQL: made once per scope, stored only wrapped, bound to their event, destroyed for good. */
describe('KeyVault (data_keys, migration 0013)', () => {
  let db: TestDatabase;
  const kek = randomBytes(32);
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('makes one key per scope, even when two writers ask at once, and stores it only wrapped', async () => {
    const vault = new KeyVault(db.pool, kek);
    const sourceId = randomUUID();
    const [a, b] = await Promise.all([vault.keyFor({ type: 'source', id: sourceId }), new KeyVault(db.pool, kek).keyFor({ type: 'source', id: sourceId })]);
    expect(a.keyId).toBe(b.keyId);
    expect(a.key.equals(b.key)).toBe(true);
    const other = await vault.keyFor({ type: 'person', id: sourceId });
    expect(other.keyId).not.toBe(a.keyId);
    const { rows } = await db.pool.query<{ wrapped_key: Buffer }>('SELECT wrapped_key FROM data_keys WHERE key_id = $1', [a.keyId]);
    expect(rows[0]!.wrapped_key.includes(a.key)).toBe(false);
    expect(rows[0]!.wrapped_key).toHaveLength(12 + 32 + 16);
  });

  it('opens a sealed value only for the event it was sealed for', async () => {
    const vault = new KeyVault(db.pool, kek);
    const { keyId, key } = await vault.keyFor({ type: 'source', id: randomUUID() });
    const [eventA, eventB] = [randomUUID(), randomUUID()];
    const sealed = sealJson(keyId, key, { url: 'https://example.test/insider' }, sourceAssociatedData(eventA));
    const { keys } = await vault.open([keyId]);
    expect(openJson(keys.get(keyId)!, sealed, sourceAssociatedData(eventA))).toEqual({ url: 'https://example.test/insider' });
    expect(() => openJson(keys.get(keyId)!, sealed, sourceAssociatedData(eventB))).toThrow();
  });

  it('tells a wrong key-encryption key apart from an erased key', async () => {
    const vault = new KeyVault(db.pool, kek);
    const scope = { type: 'person' as const, id: randomUUID() };
    const { keyId } = await vault.keyFor(scope);
    const misconfigured = new KeyVault(db.pool, randomBytes(32));
    expect(await misconfigured.open([keyId])).toEqual({ keys: new Map(), unopenable: new Set([keyId]) });
    await expect(misconfigured.keyFor(scope)).rejects.toThrow(/REELWIRE_KEY_ENCRYPTION_KEY/);

    expect(await vault.destroy(scope)).toEqual([keyId]);
    expect(await vault.open([keyId])).toEqual({ keys: new Map(), unopenable: new Set() });
    expect(await vault.destroy(scope)).toEqual([]);
    // New personal data after an erasure gets a new key: the old ciphertext stays unreadable.
    expect((await vault.keyFor(scope)).keyId).not.toBe(keyId);
  });
});
