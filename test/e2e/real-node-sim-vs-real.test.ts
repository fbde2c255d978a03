/**
 * The simulator against the real node, live and short (docs/e2e.md "The simulator against the real
 * node"; the full run is `npm run bench:sim-vs-real`): three sessions of the real-memory trace, 35 s
 * each, replayed for real under `predictive` with the controller as its own process, then the same
 * sessions, start offsets and ConfigMap in the simulator with the knobs the committed measurement set.
 * OOM kills, accepted resizes and peak memory must agree within the stated tolerances (figures.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realNodeSkipReason } from './harness/real-node/node.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { compareRun, figuresOf } from '../../bench/simreal/figures.js';
import { latestMeasurement } from '../../bench/simreal/fixture.js';
import { runOnRealNode } from '../../bench/simreal/real-run.js';
import { loadSessions, SIM_REAL_SIZES } from '../../bench/simreal/setup.js';
import { simulate } from '../../bench/simreal/simulate.js';

const measured = latestMeasurement();
const skip = realNodeSkipReason() ?? (measured === undefined ? 'no committed sim-vs-real measurement' : false);
const DRAIN_S = 15;

describe('real node vs the simulator: 3 sessions × 35 s under predictive', { skip, timeout: 240_000 }, () => {
  let world: RealWorld;

  before(async () => {
    world = await startRealWorld({ allocatableMemBytes: SIM_REAL_SIZES.nodeAllocatable.memBytes });
  });
  after(async () => {
    await world?.close();
  });

  it('OOM kills, resizes and peak memory agree within tolerance', async (t) => {
    const sessions = await loadSessions({ count: 3, windowS: 35, seed: 1 });
    const real = await runOnRealNode(world, sessions, { policy: 'predictive', requests: SIM_REAL_SIZES.requests, limits: SIM_REAL_SIZES.limits, drainS: DRAIN_S });
    const knobs = measured!.result.simSide;
    const sim = figuresOf(await simulate(sessions, real.startOffsetsS, real.config, { ...knobs, nodeAllocatable: SIM_REAL_SIZES.nodeAllocatable, drainS: DRAIN_S }));
    const checks = compareRun({ policy: 'predictive', startOffsetsS: real.startOffsetsS, real: real.figures, sim });
    for (const c of checks) t.diagnostic(`${c.ok ? 'within' : 'OUTSIDE'}: ${c.what}: real ${c.real}, sim ${c.sim}, allowed ±${Math.round(c.allowed)}`);
    t.diagnostic(`resize PATCH → cgroup ms ${JSON.stringify(real.figures.resizeToCgroupMs)}, → status ms ${JSON.stringify(real.figures.resizeToStatusMs)}`);
    assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.what), []);
  });
});
