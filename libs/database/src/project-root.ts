import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this file. The same code runs from `libs/…` (tests, ts-jest)
 * and from `dist/libs/…` (npm start), so a fixed number of `..` would be wrong in one of them.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('reelwire: cannot find the project root (a folder with package.json and migrations/)');
    dir = parent;
  }
}
