-- The projection engine (libs/read-models/src/engine, issue: one projection engine): read models become
-- system-versioned tables written by per-event handlers, replacing the fold-based tables and their per-stream state
-- snapshots.
--
-- Every read-model row is owned by one stream (owner_stream) and identified in it by row_key; each version of a row
-- carries the global positions (and recordedAt) between which it was the row: valid_from inclusive, valid_to
-- exclusive. As SQL:2011 system-versioned tables are commonly built, each model table <t> holds the current version
-- of each row (primary key owner_stream, row_key; an edit updates it in place, so its indexes do not grow with the
-- row's history) and <t>_history the closed versions, appended when a version is closed. The current view reads <t>;
-- a view as of position p reads both, `valid_from <= p AND (valid_to IS NULL OR valid_to > p)`, on indexes that lead
-- with the model's own column and valid_from (INCLUDE valid_to in the history, so the interval is decided from it).
-- A model's hidden state (what its handlers keep to decide, never queried) keeps no history: timeline_facts,
-- project_dated_facts, project_current_releases, project_set_aside, company_portfolio_works / _past_credits / _deals,
-- remake_map_works. Current tables leave 30% of each page free and index no column an edit changes as a rule (valid_from is not
-- indexed there), so an edit is a HOT update: the row's index entries stay one per row, whatever its history.
--
-- Upgrading: the old tables are dropped and the new ones start empty, with no Kafka checkpoints, so the projector
-- consumes every topic from the beginning (the topics keep every event) and fills them through the live path;
-- `npm run replay -- --all` does the same from the events table, faster, for a large log. Dead letters of events are
-- dropped too (applying the log again records them again, with the engine's reasons); those of Kafka messages that
-- were not events are kept, as nothing could record them again.

DROP TABLE read_models.project_status, read_models.timeline_entries, read_models.company_portfolio, read_models.work_relations,
  read_models.person_attachments, read_models.organization_names, read_models.person_names, read_models.projection_snapshots;
DELETE FROM read_models.projection_checkpoints;
DELETE FROM read_models.dead_letters WHERE event_id IS NOT NULL;

-- Per stream: the dedupe rule's version and the versions passed over as dead letters (the engine's whole per-stream
-- state besides rows: applying an event never reads a folded state).
CREATE TABLE read_models.projection_streams (
  stream_id            text        PRIMARY KEY,
  stream_type          text        NOT NULL,
  version              integer     NOT NULL,
  skipped_versions     integer[]   NOT NULL DEFAULT '{}',
  last_event_id        uuid,
  last_global_position bigint,
  last_recorded_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- freshness: the latest applied global position (also as of a position)
CREATE INDEX projection_streams_position_idx ON read_models.projection_streams (last_global_position);

CREATE TABLE read_models.project_status (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  primary_title                text,
  primary_title_language       text,
  titles                       jsonb,
  titles_search                text,
  kind                         text,
  original_language            text,
  original_work_id             text,
  original_relation            text,
  status                       text,
  status_since                 text,
  status_since_precision       text,
  status_since_start           date,
  countries                    text[],
  production_year              integer,
  external_ids                 jsonb,
  latest_milestone             jsonb,
  development_start            text,
  development_start_precision  text,
  development_start_start      date,
  in_development               boolean,
  first_release                jsonb,
  withdrawn                    boolean,
  withdrawn_note               text,
  known_titles                 jsonb,
  status_ref                   jsonb,
  development_start_ref        jsonb,
  original_ref                 jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.project_status_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  work_id                      text,
  primary_title                text,
  primary_title_language       text,
  titles                       jsonb,
  titles_search                text,
  kind                         text,
  original_language            text,
  original_work_id             text,
  original_relation            text,
  status                       text,
  status_since                 text,
  status_since_precision       text,
  status_since_start           date,
  countries                    text[],
  production_year              integer,
  external_ids                 jsonb,
  latest_milestone             jsonb,
  development_start            text,
  development_start_precision  text,
  development_start_start      date,
  in_development               boolean,
  first_release                jsonb,
  withdrawn                    boolean,
  withdrawn_note               text,
  known_titles                 jsonb,
  status_ref                   jsonb,
  development_start_ref        jsonb,
  original_ref                 jsonb,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX project_status_work_idx ON read_models.project_status (work_id);
CREATE INDEX project_status_title_order_idx ON read_models.project_status (lower(coalesce(primary_title, '')), work_id);
CREATE INDEX project_status_status_idx ON read_models.project_status (status);
CREATE INDEX project_status_kind_idx ON read_models.project_status (kind);
CREATE INDEX project_status_countries_idx ON read_models.project_status USING gin (countries);
CREATE INDEX project_status_history_work_idx ON read_models.project_status_history (work_id, valid_from) INCLUDE (valid_to);
CREATE INDEX project_status_history_title_order_idx ON read_models.project_status_history (lower(coalesce(primary_title, '')), work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.project_companies (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  credit_id                    text,
  organization_id              text,
  role                         text,
  country                      text,
  territory                    text,
  from_date                    jsonb,
  to_date                      jsonb,
  seq                          text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.project_companies_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  work_id                      text,
  credit_id                    text,
  organization_id              text,
  role                         text,
  country                      text,
  territory                    text,
  from_date                    jsonb,
  to_date                      jsonb,
  seq                          text,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX project_companies_work_idx ON read_models.project_companies (work_id);
CREATE INDEX project_companies_organization_idx ON read_models.project_companies (organization_id, work_id);
CREATE INDEX project_companies_history_work_idx ON read_models.project_companies_history (work_id, valid_from) INCLUDE (valid_to);
CREATE INDEX project_companies_history_organization_idx ON read_models.project_companies_history (organization_id, work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.project_people (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  attachment_id                text,
  person_id                    text,
  role                         text,
  character                    text,
  billing                      text,
  attached_at                  jsonb,
  seq                          text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.project_people_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  work_id                      text,
  attachment_id                text,
  person_id                    text,
  role                         text,
  character                    text,
  billing                      text,
  attached_at                  jsonb,
  seq                          text,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX project_people_work_idx ON read_models.project_people (work_id);
CREATE INDEX project_people_person_idx ON read_models.project_people (person_id, work_id);
CREATE INDEX project_people_history_work_idx ON read_models.project_people_history (work_id, valid_from) INCLUDE (valid_to);
CREATE INDEX project_people_history_person_idx ON read_models.project_people_history (person_id, work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.project_notes (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  seq                          text,
  fact_type                    text,
  fact_id                      text,
  kind                         text,
  note                         text,
  event_id                     text,
  replacement_id               text,
  other_work_id                text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.project_notes_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  work_id                      text,
  seq                          text,
  fact_type                    text,
  fact_id                      text,
  kind                         text,
  note                         text,
  event_id                     text,
  replacement_id               text,
  other_work_id                text,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX project_notes_work_idx ON read_models.project_notes (work_id);
CREATE INDEX project_notes_history_work_idx ON read_models.project_notes_history (work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.project_dated_facts (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  fact_type                    text,
  fact_id                      text,
  seq                          text,
  current                      boolean,
  value                        jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.project_current_releases (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  releases                     jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.project_set_aside (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  fact_type                    text,
  fact_id                      text,
  seq                          text,
  current                      boolean,
  detached                     boolean,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.timeline_entries (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  entry_key                    text,
  work_id                      text,
  kind                         text,
  label                        text,
  occurred_at                  text,
  precision                    text,
  sort_key                     date,
  seq                          integer,
  fact_type                    text,
  fact_id                      text,
  subject_type                 text,
  subject_id                   text,
  details                      jsonb,
  corrected                    boolean,
  retracted                    boolean,
  note                         text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.timeline_entries_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  entry_key                    text,
  work_id                      text,
  kind                         text,
  label                        text,
  occurred_at                  text,
  precision                    text,
  sort_key                     date,
  seq                          integer,
  fact_type                    text,
  fact_id                      text,
  subject_type                 text,
  subject_id                   text,
  details                      jsonb,
  corrected                    boolean,
  retracted                    boolean,
  note                         text,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX timeline_entries_work_idx ON read_models.timeline_entries (work_id, sort_key);
CREATE INDEX timeline_entries_history_work_idx ON read_models.timeline_entries_history (work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.timeline_facts (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  fact_type                    text,
  fact_id                      text,
  fact                         jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.company_portfolio (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  organization_id              text,
  via                          text,
  work_id                      text,
  deal_id                      text,
  role                         text,
  country                      text,
  territory                    text,
  work_ids                     text[],
  details                      jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.company_portfolio_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  organization_id              text,
  via                          text,
  work_id                      text,
  deal_id                      text,
  role                         text,
  country                      text,
  territory                    text,
  work_ids                     text[],
  details                      jsonb,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX company_portfolio_organization_idx ON read_models.company_portfolio (organization_id);
CREATE INDEX company_portfolio_history_organization_idx ON read_models.company_portfolio_history (organization_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.company_portfolio_works (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  withdrawn                    boolean,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.company_portfolio_past_credits (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  credit_id                    text,
  end_reason                   text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.company_portfolio_deals (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  deal_id                      text,
  details                      jsonb,
  status_history               jsonb,
  works                        jsonb,
  withdrawn                    boolean,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.work_relations (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  relation_id                  text,
  work_id                      text,
  relation                     text,
  target_work_id               text,
  deal_id                      text,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.work_relations_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  relation_id                  text,
  work_id                      text,
  relation                     text,
  target_work_id               text,
  deal_id                      text,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX work_relations_work_idx ON read_models.work_relations (work_id, relation);
CREATE INDEX work_relations_target_idx ON read_models.work_relations (target_work_id, relation);
CREATE INDEX work_relations_history_work_idx ON read_models.work_relations_history (work_id, valid_from) INCLUDE (valid_to);
CREATE INDEX work_relations_history_target_idx ON read_models.work_relations_history (target_work_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.remake_map_works (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  work_id                      text,
  withdrawn                    boolean,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);

CREATE TABLE read_models.person_attachments (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  attachment_id                text,
  person_id                    text,
  work_id                      text,
  role                         text,
  character                    text,
  billing                      text,
  attached_at                  jsonb,
  detached                     jsonb,
  state                        text,
  is_current                   boolean,
  note                         text,
  moved_to_work_id             text,
  moved_from                   jsonb,
  seq                          integer,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.person_attachments_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  attachment_id                text,
  person_id                    text,
  work_id                      text,
  role                         text,
  character                    text,
  billing                      text,
  attached_at                  jsonb,
  detached                     jsonb,
  state                        text,
  is_current                   boolean,
  note                         text,
  moved_to_work_id             text,
  moved_from                   jsonb,
  seq                          integer,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX person_attachments_person_idx ON read_models.person_attachments (person_id);
CREATE INDEX person_attachments_work_idx ON read_models.person_attachments (work_id);
CREATE INDEX person_attachments_history_person_idx ON read_models.person_attachments_history (person_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.organization_names (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  organization_id              text,
  primary_name                 text,
  names                        jsonb,
  kind                         text,
  country                      text,
  parent_organization_id       text,
  withdrawn                    boolean,
  known_names                  jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.organization_names_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  organization_id              text,
  primary_name                 text,
  names                        jsonb,
  kind                         text,
  country                      text,
  parent_organization_id       text,
  withdrawn                    boolean,
  known_names                  jsonb,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX organization_names_organization_idx ON read_models.organization_names (organization_id);
CREATE INDEX organization_names_history_organization_idx ON read_models.organization_names_history (organization_id, valid_from) INCLUDE (valid_to);

CREATE TABLE read_models.person_names (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  person_id                    text,
  primary_name                 text,
  names                        jsonb,
  nationalities                text[],
  withdrawn                    boolean,
  known_names                  jsonb,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.person_names_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  person_id                    text,
  primary_name                 text,
  names                        jsonb,
  nationalities                text[],
  withdrawn                    boolean,
  known_names                  jsonb,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
CREATE INDEX person_names_person_idx ON read_models.person_names (person_id);
CREATE INDEX person_names_history_person_idx ON read_models.person_names_history (person_id, valid_from) INCLUDE (valid_to);

-- Every stream's version as of any position (engine/stream-versions.ts): the status card's streamVersion.
CREATE TABLE read_models.stream_versions (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  stream_version               integer,
  PRIMARY KEY (owner_stream, row_key)
) WITH (fillfactor = 70);
CREATE TABLE read_models.stream_versions_history (
  owner_stream                 text        NOT NULL,
  row_key                      text        NOT NULL,
  valid_from                   bigint      NOT NULL,
  valid_to                     bigint      NOT NULL,
  recorded_from                timestamptz NOT NULL,
  recorded_to                  timestamptz NOT NULL,
  stream_version               integer,
  PRIMARY KEY (owner_stream, row_key, valid_from)
);
