import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { createOraclePolicy, oracleHorizonS } from '../../../bench/oracle.js';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import { engine, MiB, run } from './fixtures.js';

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
  const oracle = await run(bursty(), { policy: createOraclePolicy({ horizonS, marginFraction: 0 }) });
  const fixed = await run(bursty());
  assert.ok(fixed.row.oomKills >= 2);
  assert.equal(oracle.row.oomKills, 0);
  assert.ok(oracle.row.memSlack < fixed.row.memSlack, `oracle slack ${oracle.row.memSlack} vs static ${fixed.row.memSlack}`);
  assert.ok(oracle.sampleActions.some((a) => /oracle: true peak over the next 30s is 1500Mi/.test(a.reason)));
});

test('the actuation horizon is tick + scrape lag + resize latency', () => {
  assert.equal(oracleHorizonS({ ...DEFAULT_SIM_SETTINGS, scrapeLagS: 10, resizeLatencyS: 5 }, engine({ tickIntervalS: 15 })), 30);
});

test('without the simulator lookahead the oracle recommends nothing', () => {
  const p = createOraclePolicy({ horizonS: 30, marginFraction: 0 });
  assert.deepEqual(p.recommend(null, { nowMs: 0, pods: [], scaledObjects: [] }), []);
});
