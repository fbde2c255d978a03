/**
 * `npm run fit:priors`: refits the bench's out-of-sample priors from the bundled traces and writes
 * bench/tune/fitted/priors.json (deterministic: the same traces give the same bytes).
 *
 *   node --import tsx bench/tune/fit-priors-cli.ts [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledTraceDir, findTraces } from '../replay/bundled-traces.js';
import { buildPriorSetsFile } from './prior-sets-file.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const here = fileURLToPath(new URL('.', import.meta.url));
const out = values.out ?? join(here, 'fitted', 'priors.json');
const dir = bundledTraceDir();
if (dir === undefined) {
  process.stderr.write('fit:priors: no bundled traces found\n');
  process.exit(2);
}
const file = await buildPriorSetsFile(findTraces(dir));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
process.stderr.write(`fit:priors: ${Object.keys(file.sets).length} prior sets -> ${out}\n`);
