-- One statement per append. Until now an append was six round trips (BEGIN, idempotency claim, stream locks,
-- event_store_begin_append, insert, COMMIT) and held the global append lock across three of them, so the network and
-- the Node event loop sat inside the chain's critical section. event_store_append does it all in the database: sent as
-- one autocommit statement, the append lock is held for this function and its commit only.
--
-- It takes one or more calls (a group commit sends every queued call at once), flattened into arrays:
--   call_keys/call_fingerprints[c]          the call's Idempotency-Key and request fingerprint (NULL: none);
--   stream_calls[s] ... stream_event_counts[s]  the streams each call appends to, in the call's order: the call (1-based),
--                                           id, type, expected version (NULL = any; 'no-stream' is 0), number of events;
--   event_items                             one JSON array with each event, in append order, as an array:
--                                           [stream (1-based index into the stream arrays), event id, type,
--                                            schema version, data, metadata (without recordedAt, which this function
--                                            sets), hash parts] — the hash parts being the event's canonical JSON for
--                                           the chain hash (libs/event-store canonical-hash.ts) cut around the four values
--                                           only known here, in their canonical order: globalPosition,
--                                           metadata.recordedAt, prevHash, streamVersion. (One JSON document rather than
--                                           text arrays: a text array's escaping cost more than the rest of an append.)
-- So the hash is byte for byte the one eventHash() computes in Node, and verifyChain is unchanged.
--
-- Per call, inside its own subtransaction (a conflict undoes that call's idempotency claim and new stream rows, no
-- other call's): claim the key (a concurrent claimer waits for us; a key already claimed makes the outcome 'claimed',
-- with the stored fingerprint and answer), lock the call's stream rows in id order and check the expected versions
-- against the stored version — which includes what earlier calls of the same group append, as each accepted call
-- moves its streams' versions at once (a mismatch: outcome 'conflict', with the stream and its version). Then, if any
-- call was accepted: the transaction id, the append lock (7123002, as event_store_begin_append), the head, recordedAt,
-- positions and hashes in order, events, outbox rows, chain head and each keyed call's answer.
-- The outbox's foreign key to events cost a lookup per row (a trigger query each: a third of a 100-event append). Its
-- rows are now written only from the rows the same statement inserts (and by import-log, from the events it inserts),
-- and events are append-only, so the reference cannot break.
ALTER TABLE outbox DROP CONSTRAINT outbox_global_position_fkey;

CREATE FUNCTION event_store_append(
  call_keys text[], call_fingerprints text[],
  stream_calls int[], stream_ids text[], stream_types text[], stream_expected int[], stream_event_counts int[],
  event_items jsonb,
  OUT call_outcomes text[], OUT call_conflict_streams text[], OUT call_current_versions int[],
  OUT call_claimed_fingerprints text[], OUT call_claimed_results jsonb[],
  OUT stream_base_versions int[], OUT appended_at text, OUT event_positions text[], OUT event_hashes text[],
  OUT event_prev_hashes text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  call_count int := coalesce(cardinality(call_keys), 0);
  event_count int := jsonb_array_length(event_items);
  accepted int := 0;
  c int;
  s int;
  ev int;
  item jsonb;
  parts jsonb;
  found_version int;
  conflict_stream text;
  conflict_version int;
  stored_fingerprint text;
  stored_result jsonb;
  head_hash text;
  head_recorded timestamptz;
  appended timestamptz;
  event_position bigint;
  link text;
  event_versions int[];
  next_versions int[];
BEGIN
  -- Every answer array is as long as its input and starts at 1: assigning element n of a NULL array would make an
  -- array whose lower bound is n, and a client reading the text form would take it for element 1.
  call_outcomes := array_fill('appended'::text, ARRAY[call_count]);
  call_conflict_streams := array_fill(NULL::text, ARRAY[call_count]);
  call_current_versions := array_fill(NULL::int, ARRAY[call_count]);
  call_claimed_fingerprints := array_fill(NULL::text, ARRAY[call_count]);
  call_claimed_results := array_fill(NULL::jsonb, ARRAY[call_count]);
  stream_base_versions := array_fill(NULL::int, ARRAY[coalesce(cardinality(stream_ids), 0)]);
  next_versions := stream_base_versions;
  event_positions := array_fill(NULL::text, ARRAY[event_count]);
  event_hashes := event_positions;
  event_prev_hashes := event_positions;
  event_versions := array_fill(NULL::int, ARRAY[event_count]);
  FOR c IN 1..call_count LOOP
    BEGIN
      stored_fingerprint := NULL;
      IF call_keys[c] IS NOT NULL THEN
        INSERT INTO idempotency_keys (key, fingerprint) VALUES (call_keys[c], call_fingerprints[c]) ON CONFLICT (key) DO NOTHING;
        IF NOT FOUND THEN
          SELECT k.fingerprint, k.result INTO stored_fingerprint, stored_result FROM idempotency_keys k WHERE k.key = call_keys[c];
        END IF;
      END IF;
      IF stored_fingerprint IS NOT NULL THEN
        call_outcomes[c] := 'claimed';
        call_claimed_fingerprints[c] := stored_fingerprint;
        call_claimed_results[c] := stored_result;
      ELSE
        FOR s IN SELECT ix FROM generate_subscripts(stream_calls, 1) AS ix WHERE stream_calls[ix] = c ORDER BY stream_ids[ix] COLLATE "C" LOOP
          SELECT t.version INTO found_version FROM streams t WHERE t.stream_id = stream_ids[s] FOR UPDATE;
          IF NOT FOUND THEN
            INSERT INTO streams (stream_id, stream_type, version) VALUES (stream_ids[s], stream_types[s], 0) ON CONFLICT (stream_id) DO NOTHING;
            IF FOUND THEN
              found_version := 0;
            ELSE
              -- Created by a transaction that committed meanwhile: wait for its lock like any other writer.
              SELECT t.version INTO found_version FROM streams t WHERE t.stream_id = stream_ids[s] FOR UPDATE;
            END IF;
          END IF;
          IF stream_expected[s] IS NOT NULL AND stream_expected[s] <> found_version THEN
            conflict_stream := stream_ids[s];
            conflict_version := found_version;
            RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RW409';
          END IF;
          stream_base_versions[s] := found_version;
          UPDATE streams t SET version = found_version + stream_event_counts[s] WHERE t.stream_id = stream_ids[s];
        END LOOP;
        accepted := accepted + 1;
      END IF;
    EXCEPTION WHEN SQLSTATE 'RW409' THEN
      call_outcomes[c] := 'conflict';
      call_conflict_streams[c] := conflict_stream;
      call_current_versions[c] := conflict_version;
    END;
  END LOOP;
  IF accepted = 0 THEN
    RETURN;
  END IF;

  -- The transaction id before the lock: every position handed out below belongs to a transaction the gate can see.
  PERFORM pg_current_xact_id();
  PERFORM pg_advisory_xact_lock(7123002);
  -- A new statement, so a new snapshot (VOLATILE, READ COMMITTED): the previous lock holder's commit is visible.
  SELECT h.hash, h.recorded_at INTO head_hash, head_recorded FROM chain_head h WHERE h.id = 1;
  appended := greatest(date_trunc('milliseconds', clock_timestamp()), head_recorded);
  -- Exactly Date.prototype.toISOString(), as the hash covers the text.
  appended_at := to_char(appended AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  link := head_hash;
  FOR ev, item IN SELECT x.ord::int, x.value FROM jsonb_array_elements(event_items) WITH ORDINALITY AS x(value, ord) LOOP
    s := (item->>0)::int;
    IF call_outcomes[stream_calls[s]] = 'appended' THEN
      next_versions[s] := coalesce(next_versions[s], stream_base_versions[s]) + 1;
      event_position := nextval('events_global_position_seq');
      event_versions[ev] := next_versions[s];
      event_positions[ev] := event_position::text;
      event_prev_hashes[ev] := link;
      parts := item->6;
      link := encode(sha256(convert_to(
        (parts->>0) || event_position::text || (parts->>1) || appended_at || (parts->>2) || link
          || (parts->>3) || next_versions[s]::text || (parts->>4), 'UTF8')), 'hex');
      event_hashes[ev] := link;
    END IF;
  END LOOP;

  WITH inserted AS (
    INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata,
                        recorded_at, hash, prev_hash)
    SELECT u.pos::bigint, st.id, st.kind, u.ver, (u.item->>1)::uuid, u.item->>2, (u.item->>3)::int, u.item->4,
           (u.item->5) || jsonb_build_object('recordedAt', appended_at), appended, u.h, u.ph
    FROM ROWS FROM (jsonb_array_elements(event_items), unnest(event_positions), unnest(event_versions), unnest(event_hashes),
                    unnest(event_prev_hashes)) WITH ORDINALITY AS u(item, pos, ver, h, ph, ord)
    JOIN unnest(stream_ids, stream_types) WITH ORDINALITY AS st(id, kind, sord) ON st.sord = (u.item->>0)::int
    WHERE u.pos IS NOT NULL
    ORDER BY u.ord
    RETURNING global_position, event_id, stream_id
  )
  INSERT INTO outbox (global_position, event_id, stream_id, created_at)
  SELECT i.global_position, i.event_id, i.stream_id, appended FROM inserted i;
  UPDATE chain_head h SET position = event_position, hash = link, recorded_at = appended WHERE h.id = 1;

  -- Each keyed call's first answer: per stream (in the call's order) its new version and its events' positions.
  FOR c IN 1..call_count LOOP
    IF call_outcomes[c] = 'appended' AND call_keys[c] IS NOT NULL THEN
      UPDATE idempotency_keys k SET result = jsonb_build_object('results', (
        SELECT jsonb_agg(jsonb_build_object(
                 'streamId', stream_ids[sx],
                 'streamVersion', next_versions[sx],
                 'positions', (SELECT jsonb_agg(x.pos ORDER BY x.ord) FROM ROWS FROM (jsonb_array_elements(event_items), unnest(event_positions))
                                 WITH ORDINALITY AS x(item, pos, ord) WHERE (x.item->>0)::int = sx)) ORDER BY sx)
        FROM generate_subscripts(stream_calls, 1) AS sx WHERE stream_calls[sx] = c))
      WHERE k.key = call_keys[c];
    END IF;
  END LOOP;
END $$;
