-- Timeline entries carry their cited source (issue 16, item 5): the public part (publisher, url, publishedAt, kind)
-- of the source cited by the event that stated the entry's fact or last changed it. Standing entries already had it
-- in details.source, which this copies; every other entry reads null until `npm run replay` rebuilds the timeline
-- from the log (which gives every version its source, as the projector does from now on).

ALTER TABLE read_models.timeline_entries ADD COLUMN source jsonb;
ALTER TABLE read_models.timeline_entries_history ADD COLUMN source jsonb;

UPDATE read_models.timeline_entries SET source = details -> 'source' WHERE kind = 'standing' AND details -> 'source' <> '{}'::jsonb;
UPDATE read_models.timeline_entries_history SET source = details -> 'source' WHERE kind = 'standing' AND details -> 'source' <> '{}'::jsonb;

-- How sure a fact is (issue 16, item 4) in the company portfolio: each credit's and deal side's standing. A fact
-- stated before standings existed is 'reported', which is what a rebuild gives those rows, so the default fills them;
-- a credit or side whose standing was changed since shows it after `npm run replay`.
ALTER TABLE read_models.company_portfolio ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.company_portfolio_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';

-- And in a person's attachments: each attachment's standing (a denied one is not current in the answer).
ALTER TABLE read_models.person_attachments ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.person_attachments_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';
