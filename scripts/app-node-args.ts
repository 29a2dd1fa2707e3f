/**
 * Node flags every reelwire app process runs with: `npm start` (scripts/start.ts), the `start:*` npm scripts,
 * docker-compose.yml and the benchmark (bench/pipeline.ts) — keep those in step with this list.
 *
 * Why a heap cap: V8 sizes its heap limit from the machine's memory (≈4.3 GB on a 24 GB machine) and lets the old
 * generation grow to 3–4× the live heap between full collections. The admin API's live heap is ≈40 MB (plus the
 * stream-state cache, ≈28 MB on works of 50 edits and ≈60 MB on works of 110, and ≈50 MB for 256 writes in flight),
 * yet its RSS reached 346–400 MB under the benchmark's load; with a 160 MB cap it stayed at 165 MB. 192 MB leaves the
 * apps under 300 MB RSS with headroom over the largest live heap we can account for (the projector's snapshot cache
 * is bounded by weight to fit).
 */
export const APP_NODE_ARGS = ['--max-old-space-size=192'];
