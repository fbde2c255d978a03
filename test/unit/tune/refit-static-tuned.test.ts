import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB } from '../../../src/core/resources.js';
import { committedFitApplies, fitsAtRunSettings } from '../../../bench/replay/refit-static-tuned.js';
import type { ReplayInput, ReplayOutcome } from '../../../bench/replay/replay-types.js';
import { bundledTraceDir, findTraces } from '../../../bench/replay/bundled-traces.js';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import { engine } from '../sim/fixtures.js';

const fake = (_: ReplayInput): Promise<ReplayOutcome> => Promise.resolve({ row: { oomKills: 0, evictions: 0, nodeHours: 1 } } as unknown as ReplayOutcome);
const base = { replay: fake, sim: DEFAULT_SIM_SETTINGS, engine: engine(), seed: 1, withStaticTuned: true };

test('the committed static-tuned fit applies only at the settings it was searched at', () => {
  assert.equal(committedFitApplies(base), true);
  assert.equal(committedFitApplies({ ...base, sim: { ...DEFAULT_SIM_SETTINGS, nodeAllocatable: { cpuCores: 8, memBytes: 8 * GiB } } }), false);
  assert.equal(committedFitApplies({ ...base, shape: { scale: 4 } }), false);
  assert.equal(committedFitApplies({ ...base, seed: 2 }), false);
});

test('at another node shape static-tuned is searched anew, still without the replayed trace, and says so', async () => {
  const dir = bundledTraceDir()!;
  const path = findTraces(dir).find((p) => p.includes('swe-agent'))!;
  const fitsFor = fitsAtRunSettings({ ...base, sim: { ...DEFAULT_SIM_SETTINGS, nodeAllocatable: { cpuCores: 8, memBytes: 8 * GiB } } });
  const fits = await fitsFor({ path, name: 'swe-agent', classes: ['swe'] });
  assert.match(fits.staticTunedUsed?.['swe'] ?? '', /class 'swe' fitted without this trace, on agentcgroup-haiku, claude-code-local-model, mini-swe-agent, tau2-bench .*searched anew at this run's node shape/);
  assert.ok(fits.staticTuned?.['swe']);
});
