-- Finding people, companies and projects by any current name or title (issue 16, item 2), with PostgreSQL's own text
-- tools: unaccent folds accents and diacritics (Vietnamese included: ệ → e, đ → d), an ICU collation lower-cases every
-- script the same way whatever the database's locale, and pg_trgm matches substrings and typos ("Bong Jun-ho" finds
-- "Bong Joon-ho") from a GIN trigram index. Hangul and CJK have no case or accents: they pass through unchanged and
-- match by substring and trigram.
--
-- The search key is computed by SQL from the rows the handlers already write (`names` of person_names and
-- organization_names, `titles` of project_status), through expression indexes: no column is added and no handler
-- changes, so existing rows are indexed by this migration itself and no replay is needed. A rebuild
-- (`npm run replay`) re-creates these indexes from their definitions, as it does every index.
--
-- The indexes are on the current tables only: the current view (what an editor searches) uses them; a search as of a
-- past position computes the key on the versions true then.

CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- One text's search key: compatibility-composed (full-width letters and digits become ordinary ones, decomposed input
-- is composed), accents and diacritics removed (the unaccent dictionary named explicitly: unaccent(text) alone looks it
-- up by search_path and is only STABLE), lower-cased by ICU's root locale, and punctuation and runs of white space
-- made one space ("Joon-ho" and "joon ho" are the same key). IMMUTABLE because every part of it is a fixed function of
-- its input once the dictionary and the collation are installed, which is what an expression index needs.
CREATE FUNCTION public.search_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT btrim(regexp_replace(
      lower(public.unaccent('public.unaccent'::regdictionary, normalize($1, NFKC)) COLLATE "und-x-icu"),
      '[[:space:][:punct:]]+', ' ', 'g'))
  $$;

-- The search key of a list of names or titles (jsonb objects with a `text`): each one's key, one a line, so a
-- substring never runs from one name into the next (a query's key has no line break).
CREATE FUNCTION public.names_search_key(jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT coalesce(string_agg(public.search_key(e.name ->> 'text'), E'\n' ORDER BY e.ord), '')
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof($1) = 'array' THEN $1 ELSE '[]'::jsonb END) WITH ORDINALITY AS e(name, ord)
  $$;

CREATE INDEX person_names_search_idx ON read_models.person_names USING gin (public.names_search_key(names) public.gin_trgm_ops);
CREATE INDEX organization_names_search_idx ON read_models.organization_names USING gin (public.names_search_key(names) public.gin_trgm_ops);
CREATE INDEX project_status_search_idx ON read_models.project_status USING gin (public.names_search_key(titles) public.gin_trgm_ops);
