/**
 * The committed sim-vs-real measurements (bench/simreal/fixtures/sim-vs-real-DATE.json, written by
 * `npm run bench:sim-vs-real`): the newest is the one the simulator's defaults cite and the tests read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimRealResult } from './figures.js';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The newest committed measurement (file names sort by date), or undefined when there is none. */
export function latestMeasurement(dir = FIXTURE_DIR): { readonly file: string; readonly result: SimRealResult } | undefined {
  const files = readdirSync(dir).filter((f) => /^sim-vs-real-\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort();
  const file = files[files.length - 1];
  if (file === undefined) return undefined;
  const result = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as SimRealResult;
  if (result.schemaVersion !== 1) throw new Error(`${file}: schemaVersion ${String(result.schemaVersion)}, this code reads 1`);
  return { file, result };
}
