import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a committed fit from bench/tune/fitted/ (written by `npm run fit:priors` / `fit:static`). From
 * source this module sits in bench/replay/; built, in dist/bench/replay/ while the data stays in
 * bench/tune/fitted (it ships as data, not compiled), so both places are tried.
 */
export function readFittedJson(name: string): unknown {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '..', 'tune', 'fitted', name), join(here, '..', '..', '..', 'bench', 'tune', 'fitted', name)];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) throw new Error(`bench/tune/fitted/${name} is missing: regenerate it (docs/bench.md, "Out of sample")`);
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
