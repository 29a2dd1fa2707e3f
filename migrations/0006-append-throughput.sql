-- event_store_append, cheaper per event and per call. Same rules, same stored values, same chain hashes as 0004's;
-- what changed is how the work is handed over and done:
--   * An event's content comes once, as the pieces of its canonical chain-hash text (libs/event-store canonical-hash.ts
--     eventHashText): 0004 took data and metadata as JSON inside event_items AND again, escaped into JSON strings, as
--     hash parts, so Node escaped and the database parsed every event twice. The canonical JSON of data and of
--     metadata is JSON like any other: it is what the events row stores (jsonb keeps no key order or spelling), and
--     metadata's comes with recordedAt in place, so no jsonb concatenation either.
--     event_texts: per event, six pieces separated by U+001F, events separated by U+001E (canonical JSON escapes every
--     control character, so no piece contains one): data, afterData, metadataHead, metadataTail, afterPrevHash,
--     afterVersion. The hashed text is
--       '{"data":' data afterData POSITION '","metadata":' metadataHead RECORDED_AT metadataTail ',"prevHash":"'
--       PREV_HASH afterPrevHash STREAM_VERSION afterVersion
--     and the stored metadata is metadataHead RECORDED_AT metadataTail.
--   * Event ids, types and schema versions come as arrays; events come in stream order (stream_event_counts gives
--     each stream's number), so nothing per event names its stream. A call's pieces are then the same whatever group
--     it is committed in, and Node prepares them once, when the call is made.
--   * Streams: one statement per stream in the usual cases (0004 took two or three): an existing stream is checked and
--     moved by one UPDATE … WHERE version = expected RETURNING; a new one is inserted at its final version. A mismatch,
--     a stream created meanwhile by another transaction and 'any' are handled as before (see below). A call of one
--     stream needs no query to order its stream locks.
--   * Under the lock, a statement of one event (a lone call of one event, the most common append) reads the head,
--     hashes and writes its event, outbox row and new head in ONE query; more events: the head, a loop for the
--     chain, then one query for all rows, events, outbox and head (0004 took a query more for the head).
--   * The answer carries the positions and hashes as one text each (positions comma-separated, the 64-character hashes
--     back to back; appended events only, in order) and the hash before the first appended event: every other event's
--     prevHash is its predecessor's hash in the same answer. When every call was appended, the per-call arrays
--     (outcomes, conflicts, claimed keys) are NULL.
--
-- Everything else is 0004's (its comment describes the rules): per call a subtransaction with the idempotency claim,
-- stream locks in id order and expected-version checks (a mismatch: outcome 'conflict'; a claimed key: 'claimed'),
-- then, if a call was accepted, the transaction id, the append lock 7123002 held through commit, the head, recordedAt,
-- positions and hashes in order, events and outbox rows, the chain head and each keyed call's answer.
--
-- 0004's event_store_append stays (another signature): an instance still running the previous release keeps
-- appending with it during a rolling upgrade; both take the same locks and extend the same chain.
CREATE FUNCTION event_store_append(
  call_keys text[], call_fingerprints text[],
  stream_calls int[], stream_ids text[], stream_types text[], stream_expected int[], stream_event_counts int[],
  event_ids uuid[], event_types text[], event_schema_versions int[], event_texts text,
  OUT call_outcomes text[], OUT call_conflict_streams text[], OUT call_current_versions int[],
  OUT call_claimed_fingerprints text[], OUT call_claimed_results jsonb[],
  OUT stream_base_versions int[], OUT appended_at text, OUT first_prev_hash text, OUT positions text, OUT hashes text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  call_count int := coalesce(cardinality(call_keys), 0);
  stream_count int := coalesce(cardinality(stream_ids), 0);
  accepted int := 0;
  c int;
  s int;
  ev int;
  remaining int;
  expected int;
  event_total int;
  found_version int;
  base int;
  conflict_stream text;
  conflict_version int;
  stored_fingerprint text;
  stored_result jsonb;
  head_recorded timestamptz;
  appended timestamptz;
  event_position bigint;
  event_version int;
  first_stream int;
  last_stream int;
  lock_order int[];
  link text;
  event_text text;
  gate_xid xid8;
  lock_void boolean;
  parts text[];
  metadata_text text;
  event_data text[];
  event_metadata text[];
  event_streams int[];
  event_positions bigint[];
  event_versions int[];
  event_hashes text[];
  event_prev_hashes text[];
BEGIN
  -- Every answer array is as long as its input and starts at 1 (see 0004).
  call_outcomes := array_fill('appended'::text, ARRAY[call_count]);
  call_conflict_streams := array_fill(NULL::text, ARRAY[call_count]);
  call_current_versions := array_fill(NULL::int, ARRAY[call_count]);
  call_claimed_fingerprints := array_fill(NULL::text, ARRAY[call_count]);
  call_claimed_results := array_fill(NULL::jsonb, ARRAY[call_count]);
  stream_base_versions := array_fill(NULL::int, ARRAY[stream_count]);
  last_stream := 0;
  FOR c IN 1..call_count LOOP
    -- A call's streams are contiguous in the stream arrays, in call order.
    first_stream := last_stream + 1;
    last_stream := first_stream;
    WHILE last_stream < stream_count AND stream_calls[last_stream + 1] = c LOOP
      last_stream := last_stream + 1;
    END LOOP;
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
        -- Locked in id order, so two calls cannot deadlock (a call of one stream needs no sort).
        IF first_stream = last_stream THEN
          lock_order := ARRAY[first_stream];
        ELSE
          lock_order := ARRAY(SELECT ix FROM generate_series(first_stream, last_stream) AS ix ORDER BY stream_ids[ix] COLLATE "C");
        END IF;
        FOREACH s IN ARRAY lock_order LOOP
          expected := stream_expected[s];
          base := NULL;
          LOOP
            -- An existing stream: checked, locked and moved at once (a concurrent writer's lock is waited for, then
            -- the version it committed is the one compared).
            IF expected IS DISTINCT FROM 0 THEN
              UPDATE streams t SET version = t.version + stream_event_counts[s]
                WHERE t.stream_id = stream_ids[s] AND (expected IS NULL OR t.version = expected)
                RETURNING t.version - stream_event_counts[s] INTO base;
              EXIT WHEN FOUND;
              SELECT t.version INTO found_version FROM streams t WHERE t.stream_id = stream_ids[s] FOR UPDATE;
              IF FOUND THEN
                IF expected IS NOT NULL THEN
                  conflict_stream := stream_ids[s];
                  conflict_version := found_version;
                  RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RW409';
                END IF;
                -- 'any', and the stream appeared since the UPDATE: move it.
                CONTINUE;
              END IF;
            END IF;
            -- No such stream (as far as this snapshot sees): create it at its final version. A concurrent creator that
            -- has not committed yet is waited for by the insert.
            INSERT INTO streams (stream_id, stream_type, version) VALUES (stream_ids[s], stream_types[s], stream_event_counts[s])
              ON CONFLICT (stream_id) DO NOTHING;
            IF FOUND THEN
              IF expected IS NOT NULL AND expected <> 0 THEN
                conflict_stream := stream_ids[s];
                conflict_version := 0;
                RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RW409';
              END IF;
              base := 0;
              EXIT;
            END IF;
            -- Created by a transaction that committed meanwhile.
            IF expected = 0 THEN
              SELECT t.version INTO found_version FROM streams t WHERE t.stream_id = stream_ids[s] FOR UPDATE;
              CONTINUE WHEN NOT FOUND;
              IF found_version <> 0 THEN
                conflict_stream := stream_ids[s];
                conflict_version := found_version;
                RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RW409';
              END IF;
              UPDATE streams t SET version = stream_event_counts[s] WHERE t.stream_id = stream_ids[s];
              base := 0;
              EXIT;
            END IF;
            -- 'any' or a version: compare it with the committed stream, like any other writer.
          END LOOP;
          stream_base_versions[s] := base;
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
  -- (Assignments rather than PERFORM: a plain expression, not a query.)
  gate_xid := pg_current_xact_id();
  lock_void := pg_advisory_xact_lock(7123002) IS NULL;
  IF stream_count = 1 AND stream_event_counts[1] = 1 THEN
    -- One event (a lone call of one event: the common case): the head, recordedAt, position and hash as in the loop
    -- below, the event, its outbox row and the new head, all in one statement (its snapshot is taken under the lock).
    parts := string_to_array(event_texts, E'\x1f');
    WITH head AS MATERIALIZED (
      SELECT h.hash AS prev, greatest(date_trunc('milliseconds', clock_timestamp()), h.recorded_at) AS at FROM chain_head h WHERE h.id = 1
    ), placed AS MATERIALIZED (
      SELECT head.prev, head.at, to_char(head.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text,
             nextval('events_global_position_seq') AS pos, stream_base_versions[1] + 1 AS ver
      FROM head
    ), hashed AS MATERIALIZED (
      SELECT p.*, parts[3] || p.at_text || parts[4] AS meta,
             encode(sha256(convert_to(concat('{"data":', parts[1], parts[2], p.pos, '","metadata":', parts[3], p.at_text, parts[4],
               ',"prevHash":"', p.prev, parts[5], p.ver, parts[6]), 'UTF8')), 'hex') AS hash
      FROM placed p
    ), inserted AS (
      INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata,
                          recorded_at, hash, prev_hash)
      SELECT h.pos, stream_ids[1], stream_types[1], h.ver, event_ids[1], event_types[1], event_schema_versions[1], parts[1]::jsonb,
             h.meta::jsonb, h.at, h.hash, h.prev
      FROM hashed h
    ), moved AS (
      UPDATE chain_head c SET position = h.pos, hash = h.hash, recorded_at = h.at FROM hashed h WHERE c.id = 1
    ), outboxed AS (
      INSERT INTO outbox (global_position, event_id, stream_id, created_at) SELECT h.pos, event_ids[1], stream_ids[1], h.at FROM hashed h
    )
    SELECT h.prev, h.at_text, h.pos, h.hash INTO first_prev_hash, appended_at, event_position, link FROM hashed h;
    event_streams := ARRAY[1];
    event_positions := ARRAY[event_position];
    event_hashes := ARRAY[link];
  ELSE
    event_total := 0;
    FOR s IN 1..stream_count LOOP
      event_total := event_total + stream_event_counts[s];
    END LOOP;
    event_streams := array_fill(NULL::int, ARRAY[event_total]);
    event_versions := event_streams;
    event_positions := array_fill(NULL::bigint, ARRAY[event_total]);
    event_hashes := array_fill(NULL::text, ARRAY[event_total]);
    event_prev_hashes := event_hashes;
    event_data := event_hashes;
    event_metadata := event_hashes;

    -- A new statement, so a new snapshot (VOLATILE, READ COMMITTED): the previous lock holder's commit is visible.
    SELECT h.hash, h.recorded_at INTO first_prev_hash, head_recorded FROM chain_head h WHERE h.id = 1;
    appended := greatest(date_trunc('milliseconds', clock_timestamp()), head_recorded);
    -- Exactly Date.prototype.toISOString(), as the hash covers the text.
    appended_at := to_char(appended AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    link := first_prev_hash;
    ev := 0;
    s := 0;
    remaining := 0;
    FOREACH event_text IN ARRAY string_to_array(event_texts, E'\x1e') LOOP
      ev := ev + 1;
      WHILE remaining = 0 LOOP
        s := s + 1;
        remaining := stream_event_counts[s];
        -- The events of a call that conflicted or found its key claimed are skipped.
        event_version := CASE WHEN call_outcomes[stream_calls[s]] = 'appended' THEN stream_base_versions[s] END;
      END LOOP;
      remaining := remaining - 1;
      event_streams[ev] := s;
      IF event_version IS NOT NULL THEN
        event_version := event_version + 1;
        event_position := nextval('events_global_position_seq');
        event_versions[ev] := event_version;
        event_positions[ev] := event_position;
        event_prev_hashes[ev] := link;
        parts := string_to_array(event_text, E'\x1f');
        metadata_text := parts[3] || appended_at || parts[4];
        link := encode(sha256(convert_to(concat('{"data":', parts[1], parts[2], event_position, '","metadata":', metadata_text,
          ',"prevHash":"', link, parts[5], event_version, parts[6]), 'UTF8')), 'hex');
        event_hashes[ev] := link;
        event_data[ev] := parts[1];
        event_metadata[ev] := metadata_text;
      END IF;
    END LOOP;

    WITH inserted AS (
      INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata,
                          recorded_at, hash, prev_hash)
      SELECT u.pos, stream_ids[u.s], stream_types[u.s], u.ver, u.id, u.type, u.sv, u.data::jsonb, u.meta::jsonb, appended, u.h, u.ph
      FROM ROWS FROM (unnest(event_ids), unnest(event_types), unnest(event_schema_versions), unnest(event_data), unnest(event_metadata),
                      unnest(event_streams), unnest(event_positions), unnest(event_versions), unnest(event_hashes), unnest(event_prev_hashes))
        WITH ORDINALITY AS u(id, type, sv, data, meta, s, pos, ver, h, ph, ord)
      WHERE u.pos IS NOT NULL
      ORDER BY u.ord
      RETURNING global_position, event_id, stream_id
    ), head AS (
      -- The chain head moves in the same statement (one query fewer).
      UPDATE chain_head h SET position = event_position, hash = link, recorded_at = appended WHERE h.id = 1
    )
    INSERT INTO outbox (global_position, event_id, stream_id, created_at)
    SELECT i.global_position, i.event_id, i.stream_id, appended FROM inserted i;
  END IF;

  -- Each keyed call's first answer: per stream (in the call's order) its new version and its events' positions.
  FOR c IN 1..call_count LOOP
    IF call_outcomes[c] = 'appended' AND call_keys[c] IS NOT NULL THEN
      UPDATE idempotency_keys k SET result = jsonb_build_object('results', (
        SELECT jsonb_agg(jsonb_build_object(
                 'streamId', stream_ids[sx],
                 'streamVersion', stream_base_versions[sx] + stream_event_counts[sx],
                 'positions', (SELECT jsonb_agg(x.pos::text ORDER BY x.ord) FROM unnest(event_streams, event_positions)
                                 WITH ORDINALITY AS x(s, pos, ord) WHERE x.s = sx)) ORDER BY sx)
        FROM generate_subscripts(stream_calls, 1) AS sx WHERE stream_calls[sx] = c))
      WHERE k.key = call_keys[c];
    END IF;
  END LOOP;
  positions := array_to_string(event_positions, ',');
  hashes := array_to_string(event_hashes, '');
  IF accepted = call_count THEN
    -- Every call appended (the usual answer): no per-call arrays for the client to parse.
    call_outcomes := NULL;
    call_conflict_streams := NULL;
    call_current_versions := NULL;
    call_claimed_fingerprints := NULL;
    call_claimed_results := NULL;
  END IF;
END $$;
