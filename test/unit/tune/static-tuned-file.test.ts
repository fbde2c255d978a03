import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/config/index.js';
import { benchEngineConfig, simSettingsFor } from '../../../bench/replay/bench-deps.js';
import { bundledTraceDir, findTraces } from '../../../bench/replay/bundled-traces.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../../../bench/replay/replay.js';
import { loadStaticTuned, traceStaticTuned } from '../../../bench/replay/trace-static-tuned.js';
import { ALL_BUNDLED } from '../../../bench/tune/loo-priors.js';
import { buildStaticTunedFile, readSearchTrace } from '../../../bench/tune/static-tuned-file.js';

test('no bundled trace is replayed with static-tuned sizes fitted on it; a user trace gets the all-bundled fit, said so', () => {
  const file = loadStaticTuned();
  for (const [name, set] of Object.entries(file.sets)) if (name !== ALL_BUNDLED) assert.ok(!set.fittedOn.includes(name), name);
  const held = traceStaticTuned('agentcgroup-haiku', ['swe', 'swe-limited']);
  assert.match(held.used['swe']!, /class 'swe' fitted without this trace/);
  assert.match(held.used['swe-limited']!, /'default' \(every class pooled; no fitting trace has 'swe-limited'\)/);
  assert.match(traceStaticTuned(undefined, ['swe']).used['swe']!, /fitted on all bundled traces .*this trace is not among them/);
});

test('the committed static-tuned fit is what `npm run fit:static` regenerates (one leave-one-out set, checked)', async () => {
  const config = defaultConfig();
  const traces = [];
  for (const p of findTraces(bundledTraceDir()!)) traces.push(await readSearchTrace(p));
  const deps = { replay, sim: simSettingsFor(DEFAULT_SIM_SETTINGS, config.policies), engine: benchEngineConfig(config.engine), seed: 1 };
  const fresh = await buildStaticTunedFile(traces, deps, { only: ['tau2-bench'] });
  assert.deepEqual(fresh.sets['tau2-bench'], loadStaticTuned().sets['tau2-bench']);
});
