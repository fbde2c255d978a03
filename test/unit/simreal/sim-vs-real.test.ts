/**
 * The simulator against the committed real-node measurement (bench/simreal/fixtures, docs/e2e.md
 * "The simulator against the real node"): the same seeded sessions, start offsets, ConfigMap and
 * measured knobs, replayed now, must stay within TOLERANCE of what the real kubelet and kernel did.
 * A change to the simulator or the policies that breaks this either fixes a sim/real gap the record
 * shows (re-record with `npm run bench:sim-vs-real`) or opens one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import { compareRun } from '../../../bench/simreal/figures.js';
import { latestMeasurement } from '../../../bench/simreal/fixture.js';
import { resimulate } from '../../../bench/simreal/resimulate.js';

const measured = latestMeasurement();

test('the simulator stays within tolerance of the committed real-node measurement, per policy', { skip: measured === undefined ? 'no committed measurement' : false }, async () => {
  const { file, result } = measured!;
  const sims = await resimulate(result);
  const failures: string[] = [];
  for (const run of result.policies) {
    const sim = sims.find((s) => s.policy === run.policy)?.deployed;
    assert.ok(sim !== undefined, `${run.policy} replayed`);
    for (const c of compareRun({ ...run, sim })) if (!c.ok) failures.push(`${c.what}: real ${c.real}, sim ${c.sim}, allowed ±${Math.round(c.allowed)}`);
  }
  assert.deepEqual(failures, [], `outside the tolerances of ${file}`);
});

test('the simulator\'s default resize latency and restart timing are the measured ones', { skip: measured === undefined ? 'no committed measurement' : false }, () => {
  const { result } = measured!;
  const cgroupP90S = Math.max(...result.policies.map((p) => p.real.resizeToCgroupMs.p90)) / 1000;
  // Anything up to the simulator's 1 s step lands at the next step; the default is the measured p90.
  assert.equal(DEFAULT_SIM_SETTINGS.resizeLatencyS, result.simSide.resizeLatencyS);
  assert.ok(DEFAULT_SIM_SETTINGS.resizeLatencyS <= 1 && cgroupP90S <= 1, 'a resize lands within one simulator step');
  const delays = result.policies.flatMap((p) => p.real.restartDelaysS);
  const first = delays.filter((d) => d.kill === 1).map((d) => d.delayS);
  assert.ok(first.length > 0 && first.every((d) => d <= 2), `first restarts at once (≤ 2 s at the status's 1 s resolution): ${first.join(', ')}`);
  assert.ok(delays.some((d) => d.kill >= 2), 'the measurement saw crash loops');
  // The back-off start is the least-squares fit of initial·2^(k−2) to every later restart (measured.ts).
  assert.deepEqual(DEFAULT_SIM_SETTINGS.oomBackoffS, result.simSide.oomBackoffS);
});
