-- Merging a film registered twice (issue 16, item 2, for works): WorkMerged on the duplicate, WorkAbsorbed on the
-- survivor (libs/domain/src/shared/merges.ts). The duplicate's card says which work it was merged into; lists hide it
-- (as they hide a withdrawn one), reads of its id redirect to the survivor, and relations that name it (a remake's
-- original) resolve to the survivor at query time. Versioned like every column, so a view as of before the merge, or
-- after its undo, shows the two works apart.
--
-- Existing rows are right as NULL (no work merge was recorded before this migration): no replay is needed.

ALTER TABLE read_models.project_status ADD COLUMN merged_into text;
ALTER TABLE read_models.project_status_history ADD COLUMN merged_into text;

CREATE INDEX project_status_merged_into_idx ON read_models.project_status (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX project_status_history_merged_into_idx ON read_models.project_status_history (merged_into, valid_from) INCLUDE (valid_to) WHERE merged_into IS NOT NULL;
