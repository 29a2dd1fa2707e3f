-- Merging duplicates (issue 16, item 2): a person or company registered twice is merged by an event on each record
-- (<Noun>Merged on the duplicate, <Noun>Absorbed on the survivor; libs/domain/src/shared/merges.ts). The lookup
-- row of the duplicate says which record it was merged into; every query resolves a reference to the duplicate
-- through it, so credits, attachments, portfolios and cards that name the duplicate show the survivor, with no row
-- of theirs rewritten. The column is versioned like every other (its _history), so a view as of before the merge, or
-- after the merge was undone, shows the records apart.
--
-- Existing rows are right as NULL (no merge was recorded before this migration): no replay is needed.

ALTER TABLE read_models.person_names ADD COLUMN merged_into text;
ALTER TABLE read_models.person_names_history ADD COLUMN merged_into text;
ALTER TABLE read_models.organization_names ADD COLUMN merged_into text;
ALTER TABLE read_models.organization_names_history ADD COLUMN merged_into text;

-- "Which records were merged into X" (a survivor's attachments, portfolio, the projects filtered by it). Partial: only
-- merged rows are indexed, and an edit of an unmerged record (merged_into stays NULL) stays a HOT update.
CREATE INDEX person_names_merged_into_idx ON read_models.person_names (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX person_names_history_merged_into_idx ON read_models.person_names_history (merged_into, valid_from) INCLUDE (valid_to) WHERE merged_into IS NOT NULL;
CREATE INDEX organization_names_merged_into_idx ON read_models.organization_names (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX organization_names_history_merged_into_idx ON read_models.organization_names_history (merged_into, valid_from) INCLUDE (valid_to) WHERE merged_into IS NOT NULL;
