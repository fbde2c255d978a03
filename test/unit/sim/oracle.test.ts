import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { createOraclePolicy, oracleHorizonS, oracleOptions, type DemandAhead } from '../../../bench/replay/oracle.js';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import type { PodView } from '../../../src/core/types.js';
import { pod } from '../../support/fakes.js';
import { engine, GiB, MiB, run, sorted, flat } from './fixtures.js';

// 300 MiB with two 20 s bursts to 1500 MiB, above the 1 GiB starting limit.
function bursty(): TraceSample[] {
  const out: TraceSample[] = [];
  for (let t = 0; t <= 1200; t++) {
    const burst = (t >= 300 && t < 320) || (t >= 700 && t < 720);
    out.push({ session: 'a', t, memBytes: (burst ? 1500 : 300) * MiB, cpuCores: 0.2, agentClass: 'swe' });
  }
  return out;
}

test('the oracle sizes to the true peak ahead: no OOM where the static sizing is killed', async () => {
  const horizonS = oracleHorizonS(DEFAULT_SIM_SETTINGS, engine());
  const oracle = await run(bursty(), { policy: createOraclePolicy({ ...oracleOptions(DEFAULT_SIM_SETTINGS, engine()), horizonS }) });
  const fixed = await run(bursty());
  assert.ok(fixed.row.oomKills >= 2);
  assert.equal(oracle.row.oomKills, 0);
  assert.ok(oracle.row.memSlack < fixed.row.memSlack, `oracle slack ${oracle.row.memSlack} vs static ${fixed.row.memSlack}`);
  // tick 15 s + scrape lag 10 s + the measured resize latency (bench/sim/defaults.ts).
  assert.ok(oracle.sampleActions.some((a) => a.reason.startsWith(`oracle: true peak over the next ${horizonS}s is 1500Mi`)));
});

test('the actuation horizon is tick + scrape lag + resize latency', () => {
  assert.equal(oracleHorizonS({ ...DEFAULT_SIM_SETTINGS, scrapeLagS: 10, resizeLatencyS: 5 }, engine({ tickIntervalS: 15 })), 30);
});

test('without the simulator lookahead the oracle recommends nothing', () => {
  const p = createOraclePolicy({ horizonS: 30, marginFraction: 0 });
  assert.deepEqual(p.recommend(p.init(), { nowMs: 0, pods: [], scaledObjects: [] }), []);
});

/** An oracle wired to a fixed future, to test its arithmetic without a simulator. */
function oracleSeeing(ahead: Record<string, DemandAhead>, minRaiseFraction = 0) {
  const p = createOraclePolicy({ horizonS: 30, marginFraction: 0, minRaiseFraction });
  p.connect({ demandAhead: (key) => ahead[key] });
  return p;
}

/** Oracle state in which every pod was just seen (not stale). */
function fresh(...keys: string[]) {
  return { lastSampleMs: new Map(keys.map((k) => [k, 0])) };
}

const onNode = (name: string, over: Partial<PodView> = {}): PodView =>
  pod(name, { nodeName: 'n1', nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, ...over });

test('the safe oracle requests what it limits: the true peak ahead, never overcommitting a node', () => {
  const want: DemandAhead = { peakMemBytes: 1500 * MiB, peakCpuCores: 0.2, meanMemBytes: 1200 * MiB, meanCpuCores: 0.1 };
  const p = oracleSeeing({ 'agents/a': want });
  const [r] = p.recommend(fresh('agents/a'), { nowMs: 0, pods: [onNode('a')], scaledObjects: [] });
  assert.ok(r && r.kind === 'resize');
  assert.equal(r.requests.memBytes, 1500 * MiB);
  assert.equal(r.limits.memBytes, 1500 * MiB);
  assert.equal(r.requests.cpuCores, 0.2);
  assert.equal(r.limits.cpuCores, 0.2);
});

test('a memory request is never above what the node can ever admit', () => {
  const p = oracleSeeing({ 'agents/a': { peakMemBytes: 3 * GiB, peakCpuCores: 0.2, meanMemBytes: 1 * GiB, meanCpuCores: 0.1 } });
  const [r] = p.recommend(fresh('agents/a'), { nowMs: 0, pods: [onNode('a')], scaledObjects: [] });
  assert.ok(r && r.kind === 'resize');
  assert.equal(r.requests.memBytes, 2 * GiB);
  assert.equal(r.limits.memBytes, 3 * GiB);
});

test('CPU is compressible: a CPU peak the node cannot hold is requested only up to its free CPU, so it never defers a memory raise', () => {
  const want: DemandAhead = { peakMemBytes: 500 * MiB, peakCpuCores: 1.5, meanMemBytes: 400 * MiB, meanCpuCores: 0.1 };
  const p = oracleSeeing({ 'agents/a': want, 'agents/b': want });
  const recs = p.recommend(fresh('agents/a', 'agents/b'), { nowMs: 0, pods: [onNode('a'), onNode('b')], scaledObjects: [] });
  const cpu = recs.reduce((s, r) => s + (r.kind === 'resize' ? r.requests.cpuCores : 0), 0);
  assert.ok(cpu <= 2, `cpu requests ${cpu} on a 2-core node`);
  for (const r of recs) assert.ok(r.kind === 'resize' && r.requests.memBytes === 500 * MiB && r.limits.cpuCores === 1.5);
});

test('a needed raise smaller than the engine hysteresis is made big enough to pass it', () => {
  const p = oracleSeeing({ 'agents/a': { peakMemBytes: 1.01 * GiB, peakCpuCores: 0.2, meanMemBytes: 500 * MiB, meanCpuCores: 0.1 } }, 0.05);
  const [r] = p.recommend(fresh('agents/a'), { nowMs: 0, pods: [onNode('a')], scaledObjects: [] });
  assert.ok(r && r.kind === 'resize');
  assert.equal(r.limits.memBytes, 1 * GiB * 1.05);
});

test('on shared nodes with room for the peaks the oracle keeps every pod alive and is never evicted', async () => {
  const trace = sorted(...['a', 'b', 'c', 'd'].map((s, i) => bursty().map((x) => ({ ...x, session: s, t: x.t + i * 7 }))), flat('e', 0, 600, 300));
  const node = { nodeAllocatable: { memBytes: 8 * GiB, cpuCores: 4 } };
  const oracle = await run(trace, { sim: node, policy: createOraclePolicy(oracleOptions(DEFAULT_SIM_SETTINGS, engine())) });
  assert.equal(oracle.row.oomKills, 0);
  assert.equal(oracle.row.evictions, 0);
});

test('where the peaks cannot all be reserved, the oracle still never overcommits: no eviction, only Deferred raises', async () => {
  const trace = sorted(...['a', 'b', 'c', 'd'].map((s, i) => bursty().map((x) => ({ ...x, session: s, t: x.t + i * 7 }))));
  const node = { nodeAllocatable: { memBytes: 4 * GiB, cpuCores: 4 }, maxNodes: 1 };
  const oracle = await run(trace, { sim: node, policy: createOraclePolicy(oracleOptions(DEFAULT_SIM_SETTINGS, engine())) });
  assert.equal(oracle.row.evictions, 0);
  assert.ok(oracle.row.resizesDeferred > 0, 'four 1500Mi peaks do not fit a 4Gi node: some raises wait');
});

test('a pod with no recent sample is left alone unless its limit must rise, and then its request rises with it', () => {
  const low: DemandAhead = { peakMemBytes: 300 * MiB, peakCpuCores: 0.2, meanMemBytes: 200 * MiB, meanCpuCores: 0.1 };
  const high: DemandAhead = { ...low, peakMemBytes: 1.5 * GiB };
  const ctx = { nowMs: 0, pods: [onNode('a')], scaledObjects: [] };
  assert.deepEqual(oracleSeeing({ 'agents/a': low }).recommend({ lastSampleMs: new Map() }, ctx), []);
  const [r] = oracleSeeing({ 'agents/a': high }).recommend({ lastSampleMs: new Map() }, ctx);
  assert.ok(r && r.kind === 'resize');
  assert.equal(r.limits.memBytes, 1.5 * GiB);
  assert.equal(r.requests.memBytes, 1.5 * GiB);
});
