-- How sure a fact is (issue 16, item 4), where it was still missing: the remake map shows each relation's own standing
-- (a remake "reportedly in the works" against one the studio confirmed), and a company's portfolio shows the standing of
-- the whole deal on each of its sides (a deal "in talks" is rumored; a denied deal is listed apart). The hidden deal row
-- keeps the deal's standing for the sides added later.
--
-- A fact stated before standings existed is 'reported', which is what a rebuild gives those rows too, so the default
-- fills the existing versions; a relation or deal whose standing was changed since shows it after `npm run replay`.
-- Merged works (issue 16, item 2) need no column: queries resolve a work through project_status.merged_into (0015).

ALTER TABLE read_models.work_relations ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.work_relations_history ADD COLUMN standing text NOT NULL DEFAULT 'reported';
ALTER TABLE read_models.company_portfolio ADD COLUMN deal_standing text;
ALTER TABLE read_models.company_portfolio_history ADD COLUMN deal_standing text;
ALTER TABLE read_models.company_portfolio_deals ADD COLUMN standing text NOT NULL DEFAULT 'reported';

-- Existing deal sides: the deal's default standing (credits, via = 'credit', have none).
UPDATE read_models.company_portfolio SET deal_standing = 'reported' WHERE via = 'deal-party';
UPDATE read_models.company_portfolio_history SET deal_standing = 'reported' WHERE via = 'deal-party';
