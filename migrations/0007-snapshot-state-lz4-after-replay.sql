-- Before the fix in libs/audit/src/shadow-schema.ts (INCLUDING COMPRESSION), every replay's swap put
-- projection_snapshots.state back on the default pglz, the compression 0005 moved away from for its cost (pglz was 27%
-- of PostgreSQL's CPU in a 1M-event rebuild). Databases that went through a replay get lz4 back here; on the others
-- this changes nothing. Servers without lz4 keep pglz, as in 0005.
DO $$
BEGIN
  ALTER TABLE read_models.projection_snapshots ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: projection_snapshots.state stays pglz-compressed';
END
$$;
