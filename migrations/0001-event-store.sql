-- The event store (libs/event-store). See libs/event-store/README.md for the guarantees.

-- Global positions come from this sequence, always taken under the append lock (event_store_begin_append),
-- so position order is commit order for everything the store writes.
CREATE SEQUENCE events_global_position_seq AS bigint;

CREATE TABLE events (
  global_position bigint      PRIMARY KEY DEFAULT nextval('events_global_position_seq'),
  stream_id       text        NOT NULL,
  stream_type     text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version >= 1),
  event_id        uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL DEFAULT 1,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  -- The writing transaction: readAll's gate compares it with pg_snapshot_xmin (architecture.md, invariant 3).
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  hash            text        NOT NULL,
  prev_hash       text        NOT NULL,
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);
ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position;
-- (stream_id, stream_version) is indexed by its unique constraint.
CREATE INDEX events_recorded_at_idx ON events (recorded_at);

-- Append-only. An operator who must bypass it (tamper-evidence tests, a forensic repair) does so visibly, as a
-- superuser: `SET session_replication_role = replica` for the session (ordinary triggers, and foreign keys, do not
-- fire), or `ALTER TABLE events DISABLE TRIGGER events_append_only` / `... events_no_truncate`.
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- One row per stream: its row lock is the optimistic-concurrency check.
CREATE TABLE streams (
  stream_id   text    PRIMARY KEY,
  stream_type text    NOT NULL,
  version     integer NOT NULL
);

-- One row per event, written in the same transaction; the relay sets published_at.
CREATE TABLE outbox (
  global_position bigint      PRIMARY KEY REFERENCES events (global_position),
  event_id        uuid        NOT NULL,
  stream_id       text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (global_position) WHERE published_at IS NULL;

-- The first answer of a command, by Idempotency-Key. result is NULL only inside the transaction that claims the key.
CREATE TABLE idempotency_keys (
  key         text        PRIMARY KEY,
  fingerprint text        NOT NULL,
  result      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The head of the global hash chain: read and moved under the append lock.
CREATE TABLE chain_head (
  id          integer     PRIMARY KEY CHECK (id = 1),
  position    bigint      NOT NULL,
  hash        text        NOT NULL,
  recorded_at timestamptz NOT NULL
);
INSERT INTO chain_head VALUES (1, 0, repeat('0', 64), '-infinity');

-- Takes the append lock and hands out positions in one round trip. The transaction id is assigned first; the lock
-- is held through commit, so positions commit in order. Each statement of a VOLATILE function takes a new snapshot,
-- so the head read after the lock sees the previous holder's commit. recorded_at never goes backwards.
CREATE FUNCTION event_store_begin_append(event_count integer)
RETURNS TABLE (prev_position bigint, prev_hash text, recorded_at timestamptz, positions bigint[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_current_xact_id();
  PERFORM pg_advisory_xact_lock(7123002);
  RETURN QUERY
    SELECT h.position, h.hash,
           greatest(date_trunc('milliseconds', clock_timestamp()), h.recorded_at),
           ARRAY(SELECT nextval('events_global_position_seq') FROM generate_series(1, event_count))
    FROM chain_head h WHERE h.id = 1;
END $$;
