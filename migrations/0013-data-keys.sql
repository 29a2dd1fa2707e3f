-- Confidential sources and erasable personal data (issue 17, point 4): crypto-shredding. Identifying details are
-- sealed (AES-256-GCM) before they enter the log, under a data key of their own scope: one key per confidential
-- source, one per person. The keys live here, never in the log, each wrapped (AES-256-GCM) by the key-encryption key
-- of the configuration (REELWIRE_KEY_ENCRYPTION_KEY), so a dump of this table alone opens nothing.
--
-- Erasing a person deletes the person's key row: the ciphertext stays in the log, hash-chained and exported as ever,
-- and can never be opened again. Rows are deleted, never updated; a scope erased and given new personal data later
-- gets a new key (and a new key_id), so nothing recorded before the erasure becomes readable again.

CREATE TABLE data_keys (
  key_id      uuid PRIMARY KEY,
  -- 'source' (a confidential source, scope_id its source id) or 'person' (scope_id the person id).
  scope_type  text NOT NULL CHECK (scope_type IN ('source', 'person')),
  scope_id    text NOT NULL,
  -- The 256-bit data key sealed by the key-encryption key: 12-byte IV, ciphertext, 16-byte tag.
  wrapped_key bytea NOT NULL,
  -- Which key-encryption key wrapped it (the first 8 hex digits of its SHA-256), so a wrong configuration is named.
  kek_id      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (scope_type, scope_id)
);
