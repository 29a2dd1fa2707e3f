import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../database/src/project-root.js';

/**
 * docs/configuration.md is the one list of the environment variables: a variable the code reads and the table lacks
 * fails here, and so does a row for a variable nothing reads any more.
 */
const root = projectRoot();

/** The apps', libraries' and scripts' own code: not tests and not the test kits, which set variables for children. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !relative(root, path).split('/').includes('testing'));
}

const NAME = '([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})';
const READS = [
  new RegExp(`\\benv\\.${NAME}\\b`, 'g'),
  new RegExp(`\\benv\\[['"]${NAME}['"]\\]`, 'g'),
  // libs/config's readers and their callers: given(env, 'NAME'), wholeNumber(env, 'NAME', …), port(process.env, 'NAME', …)…
  new RegExp(`\\b(?:given|wholeNumber|port|oneOf|flag|httpUrl|listenHost|secretKey)\\(\\s*(?:process\\.)?env,\\s*['"]${NAME}['"]`, 'g'),
];

export function variablesReadBy(source: string): string[] {
  return READS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

function variablesInCode(): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const file of ['apps', 'libs', 'scripts'].flatMap(sourceFiles)) {
    for (const name of variablesReadBy(readFileSync(file, 'utf8'))) readers.set(name, [...(readers.get(name) ?? []), relative(root, file)]);
  }
  return readers;
}

function tableRows(): Map<string, string[]> {
  const doc = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| `[A-Z][A-Z0-9_]*` \|/.test(line));
  return new Map(
    rows.map((row) => {
      const cells = row.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim());
      return [cells[0]!.replace(/`/g, ''), cells];
    }),
  );
}

describe('docs/configuration.md', () => {
  it('recognises the ways the code reads a variable', () => {
    const source = [
      "const a = process.env.KAFKA_BROKERS ?? '';",
      "const b = env['REELWIRE_DATA_DIR'];",
      "const c = wholeNumber(env, 'RELAY_BATCH_SIZE', 500, { min: 1 });",
      "const d = port(process.env, 'KAFKA_DEV_PORT', 19092);",
      "const e = env.HOST || '127.0.0.1';",
      "const f = given(env, 'PROJECTOR_GROUP');",
    ].join('\n');
    expect(variablesReadBy(source).sort()).toEqual(['HOST', 'KAFKA_BROKERS', 'KAFKA_DEV_PORT', 'PROJECTOR_GROUP', 'REELWIRE_DATA_DIR', 'RELAY_BATCH_SIZE']);
  });

  it('lists every environment variable the apps, libraries and scripts read', () => {
    const documented = tableRows();
    const undocumented = [...variablesInCode()].filter(([name]) => !documented.has(name)).map(([name, files]) => `${name} (read in ${files.join(', ')})`);
    expect(undocumented).toEqual([]);
  });

  it('lists no variable that nothing reads', () => {
    const read = variablesInCode();
    expect([...tableRows().keys()].filter((name) => !read.has(name))).toEqual([]);
  });

  it('says for each variable who reads it, its default, its allowed values and what it does', () => {
    const rows = tableRows();
    expect(rows.size).toBeGreaterThanOrEqual(30);
    for (const [name, cells] of rows) {
      expect([name, cells.length]).toEqual([name, 5]);
      for (const cell of cells) expect([name, cell]).toEqual([name, expect.stringMatching(/\S/)]);
    }
    for (const name of ['PORT', 'KAFKA_DEV_PORT', 'EMBEDDED_POSTGRES_PORT', 'REELWIRE_DATA_DIR', 'RELAY_METRICS_PORT', 'PROJECTOR_METRICS_PORT', 'PROJECTOR_RUN_SIZE']) {
      expect(rows.has(name)).toBe(true);
    }
  });
});
