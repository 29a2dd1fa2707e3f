-- /projects?country= looks for the works with a release, a deal or a credited company in a territory sharing a
-- country with the one asked for (territory groups are expanded by the query). These partial indexes let it find the
-- release and deal-announcement entries among a work's timeline entries, and the credits that name a territory,
-- without reading every entry. They index only columns an edit never changes in place (an entry keeps its kind and
-- work; a corrected credit is a new row), so updates of the current tables stay HOT.
CREATE INDEX timeline_entries_territory_facts_idx ON read_models.timeline_entries (kind, work_id)
  WHERE kind IN ('release', 'deal-announced');
CREATE INDEX timeline_entries_history_territory_facts_idx ON read_models.timeline_entries_history (kind, valid_from) INCLUDE (valid_to)
  WHERE kind IN ('release', 'deal-announced');
CREATE INDEX project_companies_territory_idx ON read_models.project_companies (territory, work_id) WHERE territory IS NOT NULL;
CREATE INDEX project_companies_history_territory_idx ON read_models.project_companies_history (territory, valid_from) INCLUDE (valid_to, work_id)
  WHERE territory IS NOT NULL;
