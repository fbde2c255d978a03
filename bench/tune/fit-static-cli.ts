/**
 * `npm run fit:static`: refits static-tuned on the bundled traces (leave-one-trace-out) at the default
 * simulator settings and writes bench/tune/fitted/static-tuned.json. Deterministic for one seed.
 *
 *   node --import tsx bench/tune/fit-static-cli.ts [--out FILE] [--seed N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config/index.js';
import { benchEngineConfig, simSettingsFor } from '../replay/bench-deps.js';
import { bundledTraceDir, findTraces } from '../replay/bundled-traces.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../replay/replay.js';
import { buildStaticTunedFile, readSearchTrace } from './static-tuned-file.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
const here = fileURLToPath(new URL('.', import.meta.url));
const out = values.out ?? join(here, 'fitted', 'static-tuned.json');
const dir = bundledTraceDir();
if (dir === undefined) {
  process.stderr.write('fit:static: no bundled traces found\n');
  process.exit(2);
}
const config = defaultConfig();
const traces = [];
for (const p of findTraces(dir)) traces.push(await readSearchTrace(p));
const deps = { replay, sim: simSettingsFor(DEFAULT_SIM_SETTINGS, config.policies), engine: benchEngineConfig(config.engine), seed: Number(values.seed) };
const file = await buildStaticTunedFile(traces, deps, { onSet: (name) => process.stderr.write(`fit:static: ${name} done\n`) });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
process.stderr.write(`fit:static: ${Object.keys(file.sets).length} sets -> ${out}\n`);
