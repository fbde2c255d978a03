/**
 * Which static-tuned sizes a replay of a trace uses: for a bundled trace those fitted on the *other*
 * bundled traces (leave-one-trace-out), for any other trace those fitted on all bundled traces.
 */
import { MiB } from '../../src/core/resources.js';
import { ALL_BUNDLED } from '../tune/loo-priors.js';
import type { StaticTunedFile } from '../tune/static-tuned-file.js';
import { readFittedJson } from './fitted-files.js';
import type { StaticTunedTable } from './static-tuned.js';

let cached: StaticTunedFile | undefined;

/** The committed fits (bench/tune/fitted/static-tuned.json). */
export function loadStaticTuned(): StaticTunedFile {
  cached ??= readFittedJson('static-tuned.json') as StaticTunedFile;
  return cached;
}

/** The table for one trace, and per class of the trace a sentence saying what it got and where it was fitted. */
export function traceStaticTuned(
  bundledName: string | undefined,
  classes: readonly string[],
  file: StaticTunedFile = loadStaticTuned(),
): { table: StaticTunedTable; used: Record<string, string> } {
  const loo = bundledName === undefined ? undefined : file.sets[bundledName];
  const set = loo ?? file.sets[ALL_BUNDLED];
  if (set === undefined) throw new Error(`bench/tune/fitted/static-tuned.json has no '${ALL_BUNDLED}' set`);
  const where = loo ? `fitted without this trace, on ${set.fittedOn.join(', ')}` : `fitted on all bundled traces (${set.fittedOn.join(', ')}); this trace is not among them`;
  const table: Record<string, { requests: { memBytes: number; cpuCores: number }; limits: { memBytes: number; cpuCores: number } }> = {};
  for (const [cls, f] of Object.entries(set.classes)) table[cls] = { requests: f.requests, limits: f.limits };
  const used: Record<string, string> = {};
  for (const cls of [...new Set(classes)].sort()) {
    const own = set.classes[cls];
    const f = own ?? set.classes['default'];
    if (f === undefined) continue;
    const size = `${f.requests.memBytes / MiB}Mi/${Math.round(f.requests.cpuCores * 1000)}m requested, ${f.limits.memBytes / MiB}Mi/${Math.round(f.limits.cpuCores * 1000)}m limit`;
    used[cls] = `${size}: ${own ? `class '${cls}'` : `'default' (every class pooled; no fitting trace has '${cls}')`} ${where}`;
  }
  return { table, used };
}
