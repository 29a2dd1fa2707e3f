-- Read models built by the projector (libs/read-models, apps/projector). See libs/read-models/README.md.
--
-- Everything lives in the schema `read_models`. Every statement in libs/read-models takes the schema name as a
-- parameter, so a rebuild can create `read_models_shadow` with the same tables (CREATE TABLE … (LIKE read_models.x
-- INCLUDING ALL)), fill it from the event log and swap the schemas by renaming them in one transaction.
--
-- Ownership: every read-model row names the stream whose folded state produced it (owner_stream). Applying an event
-- to a stream deletes that stream's rows and inserts the rows computed from its new state, so a row never outlives
-- the fact it shows and redelivery cannot duplicate anything.
CREATE SCHEMA read_models;

-- Per stream: the folded aggregate state and the stream version it reflects (the dedupe rule: versions <= version
-- were applied; version + 1 is next; anything higher is a gap).
CREATE TABLE read_models.projection_snapshots (
  stream_id            text        PRIMARY KEY,
  stream_type          text        NOT NULL,
  version              integer     NOT NULL DEFAULT 0,
  -- json, not jsonb: the text is kept as written, so object key order (the order facts were stated) survives
  state                json,
  -- versions passed over because the event could not be applied (each has a dead letter)
  skipped_versions     integer[]   NOT NULL DEFAULT '{}',
  last_event_id        uuid,
  last_global_position bigint,
  last_recorded_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- freshness: the latest applied global position
CREATE INDEX projection_snapshots_position_idx ON read_models.projection_snapshots (last_global_position);

-- Kafka progress, written in the same transaction as the read-model change of the message it follows.
-- Postgres, not Kafka's committed offsets, is the source of truth: the projector seeks here on partition assignment.
CREATE TABLE read_models.projection_checkpoints (
  consumer_group       text        NOT NULL,
  topic                text        NOT NULL,
  partition            integer     NOT NULL,
  next_offset          bigint      NOT NULL,
  last_global_position bigint,
  last_recorded_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, partition)
);

-- Events (or raw messages) a projection could not apply, with the error. The projection goes on.
CREATE TABLE read_models.dead_letters (
  id              bigserial   PRIMARY KEY,
  projection      text        NOT NULL,
  reason          text        NOT NULL,
  event_id        uuid,
  stream_id       text,
  stream_version  integer,
  global_position bigint,
  type            text,
  schema_version  integer,
  error           text        NOT NULL,
  payload         jsonb,
  raw             text,
  topic           text,
  partition       integer,
  "offset"        bigint,
  failed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dead_letters_event_unique ON read_models.dead_letters (projection, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX dead_letters_failed_at_idx ON read_models.dead_letters (failed_at);

-- a. project status: one row per work.
CREATE TABLE read_models.project_status (
  work_id                   text        PRIMARY KEY,
  owner_stream              text        NOT NULL,
  stream_version            integer     NOT NULL,
  primary_title             text,
  primary_title_language    text,
  titles                    jsonb       NOT NULL,
  titles_search             text        NOT NULL,
  kind                      text,
  original_language         text,
  original_work_id          text,
  original_relation         text,
  status                    text,
  status_since              text,
  status_since_precision    text,
  status_since_start        date,
  countries                 text[]      NOT NULL DEFAULT '{}',
  production_year           integer,
  external_ids              jsonb       NOT NULL DEFAULT '{}',
  companies                 jsonb       NOT NULL DEFAULT '[]',
  company_ids               text[]      NOT NULL DEFAULT '{}',
  people                    jsonb       NOT NULL DEFAULT '[]',
  person_ids                text[]      NOT NULL DEFAULT '{}',
  latest_milestone          jsonb,
  development_start         text,
  development_start_precision text,
  development_start_start   date,
  in_development            boolean     NOT NULL,
  first_release             jsonb,
  withdrawn                 boolean     NOT NULL DEFAULT false,
  withdrawn_note            text,
  notes                     jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX project_status_owner_idx ON read_models.project_status (owner_stream);
CREATE INDEX project_status_status_idx ON read_models.project_status (status);
CREATE INDEX project_status_kind_idx ON read_models.project_status (kind);
CREATE INDEX project_status_countries_idx ON read_models.project_status USING gin (countries);
CREATE INDEX project_status_company_ids_idx ON read_models.project_status USING gin (company_ids);
CREATE INDEX project_status_person_ids_idx ON read_models.project_status USING gin (person_ids);
CREATE INDEX project_status_order_idx ON read_models.project_status (lower(coalesce(primary_title, '')), work_id);

-- b. development timeline: one row per dated entry. Rows from deal streams carry the deal's entries on each work.
CREATE TABLE read_models.timeline_entries (
  owner_stream    text     NOT NULL,
  entry_key       text     NOT NULL,
  work_id         text     NOT NULL,
  kind            text     NOT NULL,
  label           text     NOT NULL,
  occurred_at     text     NOT NULL,
  precision       text     NOT NULL,
  sort_key        date     NOT NULL,
  seq             integer  NOT NULL,
  fact_type       text     NOT NULL,
  fact_id         text     NOT NULL,
  subject_type    text,
  subject_id      text,
  details         jsonb    NOT NULL DEFAULT '{}',
  corrected       boolean  NOT NULL DEFAULT false,
  retracted       boolean  NOT NULL DEFAULT false,
  note            text,
  PRIMARY KEY (owner_stream, entry_key)
);
CREATE INDEX timeline_entries_work_idx ON read_models.timeline_entries (work_id, sort_key, seq);

-- c. company portfolio: current credits (via 'credit') and current deal parties (via 'deal-party').
CREATE TABLE read_models.company_portfolio (
  owner_stream    text     NOT NULL,
  row_key         text     NOT NULL,
  organization_id text     NOT NULL,
  via             text     NOT NULL CHECK (via IN ('credit', 'deal-party')),
  work_id         text,
  deal_id         text,
  role            text     NOT NULL,
  country         text,
  territory       text,
  work_ids        text[]   NOT NULL DEFAULT '{}',
  details         jsonb    NOT NULL DEFAULT '{}',
  PRIMARY KEY (owner_stream, row_key)
);
CREATE INDEX company_portfolio_org_idx ON read_models.company_portfolio (organization_id);

-- d. remake map: current relations "work_id <relation> target_work_id".
CREATE TABLE read_models.work_relations (
  owner_stream    text     NOT NULL,
  relation_id     text     NOT NULL,
  work_id         text     NOT NULL,
  relation        text     NOT NULL,
  target_work_id  text     NOT NULL,
  deal_id         text,
  PRIMARY KEY (owner_stream, relation_id)
);
CREATE INDEX work_relations_target_idx ON read_models.work_relations (target_work_id);
CREATE INDEX work_relations_work_idx ON read_models.work_relations (work_id);

-- e. person attachments: every attachment ever stated, current or not (state says which).
CREATE TABLE read_models.person_attachments (
  owner_stream      text     NOT NULL,
  attachment_id     text     NOT NULL,
  person_id         text     NOT NULL,
  work_id           text     NOT NULL,
  role              text     NOT NULL,
  character         text,
  billing           text,
  attached_at       jsonb,
  detached          jsonb,
  state             text     NOT NULL CHECK (state IN ('attached', 'detached', 'corrected', 'moved', 'retracted', 'withdrawn')),
  is_current        boolean  NOT NULL,
  note              text,
  moved_to_work_id  text,
  moved_from        jsonb,
  seq               integer  NOT NULL,
  PRIMARY KEY (owner_stream, attachment_id)
);
CREATE INDEX person_attachments_person_idx ON read_models.person_attachments (person_id);
CREATE INDEX person_attachments_work_idx ON read_models.person_attachments (work_id);

-- f. lookups: names of organizations and people, joined at query time.
CREATE TABLE read_models.organization_names (
  organization_id        text     PRIMARY KEY,
  owner_stream           text     NOT NULL,
  primary_name           text,
  names                  jsonb    NOT NULL DEFAULT '[]',
  kind                   text,
  country                text,
  parent_organization_id text,
  withdrawn              boolean  NOT NULL DEFAULT false
);
CREATE INDEX organization_names_owner_idx ON read_models.organization_names (owner_stream);

CREATE TABLE read_models.person_names (
  person_id      text     PRIMARY KEY,
  owner_stream   text     NOT NULL,
  primary_name   text,
  names          jsonb    NOT NULL DEFAULT '[]',
  nationalities  text[]   NOT NULL DEFAULT '{}',
  withdrawn      boolean  NOT NULL DEFAULT false
);
CREATE INDEX person_names_owner_idx ON read_models.person_names (owner_stream);
