import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the bundled traces live. From source (tsx) this module sits in bench/replay/; once built it sits in
 * dist/bench/replay/ while the traces stay in bench/traces (they ship as data, not compiled), so both places
 * are tried.
 */
export function bundledTraceDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '..', 'traces'), join(here, '..', '..', '..', 'bench', 'traces')];
  return candidates.find((d) => existsSync(d) && statSync(d).isDirectory());
}

function isTraceName(name: string): boolean {
  return name.endsWith('.jsonl') || name.endsWith('.jsonl.gz');
}

/** Every `*.jsonl` / `*.jsonl.gz` under `dir`, recursively, sorted by relative path (a stable order). */
export function findTraces(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (isTraceName(name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}
