-- How sure a fact is (issue 16, item 4): the status card shows the standing of the project itself and of each credit
-- and attachment (rumored, reported, confirmed, denied). A fact stated before standings existed is 'reported', which is
-- what a rebuild from the log gives those rows too, so the default fills the existing versions and no replay is needed.
-- The timeline's standing entries and the cited source they carry live in the existing `details` column.

ALTER TABLE read_models.project_status ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.project_status_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.project_companies ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.project_companies_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.project_people ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.project_people_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';

-- `/projects?standing=` filters the current cards by it.
CREATE INDEX project_status_standing_idx ON read_models.project_status (standing);
