-- The projector rewrites a touched stream's folded state (projection_snapshots.state, tens of KB on a long stream)
-- in every batch and reads it back in the next: with the default pglz, compressing and decompressing it was most of
-- the cost of applying a batch (libs/read-models/README.md, "Measured"). lz4 does the same several times faster.
-- Servers built without lz4 (--without-lz4, e.g. some embedded binaries) keep pglz: same data, only slower.
-- Existing values stay as they are until rewritten; a rebuild's shadow tables copy the setting (LIKE … INCLUDING ALL).
DO $$
BEGIN
  ALTER TABLE read_models.projection_snapshots ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: projection_snapshots.state stays pglz-compressed';
END
$$;
