/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/country-filter.js [--works=20000] [--entries-per-work=49]
 * [--runs=15]`: the first page of `/projects?country=` (listProjects) on read models of `--works` cards with
 * `--entries-per-work` timeline entries each, now and as of a position. Writes nothing to docs/; prints its figures.
 *
 * The rows are written straight into the read-model tables (generate_series, then ANALYZE), shaped as the projector
 * writes them: each work has one release entry (its territory drawn from countries and groups), one in five a deal
 * announcement (a deal's territories), the rest milestone entries; one credit per work, a third naming a territory.
 * The country filter then looks for releases, deals and credits in a territory sharing a country with the one asked
 * for (territory groups expanded by the query) — the case migrations/0012's partial indexes are for.
 */
import { createPool } from '../libs/database/src/pool.js';
import { listProjects, type ListProjectsFilter } from '../libs/read-models/src/project-status/project-status.queries.js';
import type { QueryOptions } from '../libs/read-models/src/shared/query-options.js';
import { argument, dropDatabase, freshDatabase, log, median, nowMs, round, runScript } from './support.js';

const works = Number(argument('works', '20000'));
const entriesPerWork = Number(argument('entries-per-work', '49'));
const runs = Number(argument('runs', '15'));

const RELEASE_TERRITORIES = ['KR', 'US', 'VN', 'JP', 'FR', 'GB', 'TH', 'MX', 'XW', 'north-america', 'latin-america', 'europe', 'southeast-asia'];
const DEAL_TERRITORIES = ['KR', 'BR', 'VN', 'latin-america', 'XW', 'europe'];
const ORIGINS = ['KR', 'US', 'VN', 'JP', 'CN', 'FR', 'GB', 'TH', 'ID', 'IN', 'PH', 'MX', 'ES', 'DE', 'TW', 'HK'];
const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

runScript('country-filter', async () => {
  const url = await freshDatabase();
  const pool = createPool(url, { max: 4 });
  try {
    const started = nowMs();
    await pool.query(`
      INSERT INTO read_models.project_status (owner_stream, row_key, valid_from, recorded_from, work_id, primary_title, titles, countries, withdrawn, in_development)
      SELECT 'work-' || w, 'card', w, now(), 'w' || w, 'Title ' || w, '[]'::jsonb, ARRAY[(${sqlArray(ORIGINS)})[1 + w % ${ORIGINS.length}]], false, false
      FROM generate_series(1, ${works}) w`);
    await pool.query(`
      INSERT INTO read_models.timeline_entries (owner_stream, row_key, valid_from, recorded_from, entry_key, work_id, kind, label, occurred_at, precision, sort_key, seq, fact_type, fact_id, details, corrected, retracted)
      SELECT 'work-' || w, 'e' || i, w, now(), 'e' || i, 'w' || w,
             CASE WHEN i = 1 THEN 'release' WHEN i = 2 AND w % 5 = 0 THEN 'deal-announced' ELSE 'milestone' END,
             'entry', '2020', 'year', '2020-01-01', i, 'fact', 'f' || i,
             CASE WHEN i = 1 THEN jsonb_build_object('territory', (${sqlArray(RELEASE_TERRITORIES)})[1 + (w * 7) % ${RELEASE_TERRITORIES.length}], 'status', 'occurred', 'type', 'wide')
                  WHEN i = 2 AND w % 5 = 0 THEN jsonb_build_object('territories', jsonb_build_array((${sqlArray(DEAL_TERRITORIES)})[1 + w % ${DEAL_TERRITORIES.length}]))
                  ELSE '{}'::jsonb END,
             false, false
      FROM generate_series(1, ${works}) w, generate_series(1, ${entriesPerWork}) i`);
    await pool.query(`
      INSERT INTO read_models.project_companies (owner_stream, row_key, valid_from, recorded_from, work_id, credit_id, organization_id, role, territory, seq)
      SELECT 'work-' || w, 'c' || w, w, now(), 'w' || w, 'c' || w, 'o' || (w % 100), 'distributor', CASE WHEN w % 3 = 0 THEN 'US' END, '1'
      FROM generate_series(1, ${works}) w`);
    await pool.query('ANALYZE');
    log(`country-filter: ${works} cards, ${works * entriesPerWork} timeline entries loaded in ${round((nowMs() - started) / 1000, 1)} s`);

    const figures: Record<string, { medianMs: number; maxMs: number; items: number }> = {};
    const time = async (label: string, filter: ListProjectsFilter, options?: QueryOptions) => {
      const samples: number[] = [];
      let items = 0;
      for (let i = 0; i < runs; i++) {
        const start = nowMs();
        items = (await listProjects(pool, filter, options)).items.length;
        samples.push(nowMs() - start);
      }
      figures[label] = { medianMs: round(median(samples), 1), maxMs: round(Math.max(...samples), 1), items };
      log(`country-filter: ${label}: median ${figures[label]!.medianMs} ms, max ${figures[label]!.maxMs} ms, ${items} on the page`);
    };
    await time('no filter', {});
    await time('country=CA&countryOf=origin', { country: 'CA', countryOf: ['origin'] });
    await time('country=CA', { country: 'CA' });
    await time('country=BR', { country: 'BR' });
    await time('country=NO&countryOf=release,deal', { country: 'NO', countryOf: ['release', 'deal'] });
    await time(`country=CA as of position ${Math.floor(works / 2)}`, { country: 'CA' }, { at: Math.floor(works / 2) });
    process.stdout.write(`${JSON.stringify({ works, entriesPerWork, runs, figures })}\n`);
  } finally {
    await pool.end();
    await dropDatabase();
  }
});
