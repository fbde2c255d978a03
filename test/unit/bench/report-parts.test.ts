import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimate } from '../../../bench/report/charts.js';
import { niceDomain, niceMax, niceTicks } from '../../../bench/report/svg.js';
import { oracleGap } from '../../../bench/score/result-json.js';
import type { TimelinePoint } from '../../../bench/replay/replay-types.js';
import type { ResizePolicyRow } from '../../../bench/score/result-types.js';
import { formatResultTable, humanSeconds, signed, tableWidth, winnerLine } from '../../../bench/score/table.js';

function row(policy: string, over: Partial<ResizePolicyRow> = {}): ResizePolicyRow {
  return {
    policy, disruptions: 0, disruptionsPer100PodHours: 0, nodeOomKills: 0, unreservedGiBHours: 0, overRequestShare: 0, apiWrites: 0, apiWritesPerPodHour: 0,
    oomKills: 0, evictions: 0, sessionsFailed: 0, lostWorkSeconds: 0, memSlack: 0.5, cpuSlack: 0.5, cpuThrottledCoreSeconds: 0,
    memRequestedGiBHours: 2, memUsedGiBHours: 1, cpuRequestedCoreHours: 1, resizes: 0, resizesDeferred: 0, resizesInfeasible: 0,
    peakNodes: 1, nodeHours: 1, replaySeconds: 0.1, ...over,
  };
}

describe('report scales', () => {
  const cases: ReadonlyArray<readonly [number, number, number[]]> = [
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 7, [0, 2, 4, 6]],
    [0, 150, [0, 50, 100, 150]],
    [-0.15, 0.8, [0, 0.2, 0.4, 0.6, 0.8]],
  ];
  for (const [lo, hi, want] of cases) {
    it(`niceTicks(${lo}, ${hi})`, () => assert.deepEqual(niceTicks(lo, hi, 5), want));
  }
  it('niceMax and niceDomain land on ticks that contain the data', () => {
    assert.equal(niceMax(0.145), 0.15);
    assert.equal(niceMax(11), 15);
    assert.equal(niceMax(0.7), 0.8);
    assert.deepEqual(niceDomain(-0.145, 0.61, 5), [-0.2, 0.8]);
  });
});

describe('timeline decimation', () => {
  const pts: TimelinePoint[] = Array.from({ length: 5000 }, (_, i) => ({
    session: 's', tS: i, memUsed: i === 2345 ? 9e9 : 1e8, memRequest: i < 3000 ? 1e9 : 2e9, memLimit: 2e9, cpuUsed: 0.1, cpuLimit: 1,
    ...(i === 4000 ? { event: 'oom' as const } : {}),
  }));
  const d = decimate(pts, 400);
  it('keeps at most about the budget, in time order', () => {
    assert.ok(d.length <= 420, `${d.length}`);
    assert.ok(d.every((p, i) => i === 0 || d[i - 1]!.tS <= p.tS));
  });
  it('keeps the burst, the event and the step change', () => {
    assert.ok(d.some((p) => p.memUsed === 9e9));
    assert.ok(d.some((p) => p.event === 'oom'));
    assert.ok(d.some((p) => p.tS === 3000));
  });
});

describe('terminal table', () => {
  const result = (rows: ResizePolicyRow[]) => ({
    schemaVersion: 2 as const, settings: { scale: 1, durationSeconds: null, seed: 1, warmupSeconds: 0 }, priors: {}, scenario: 'resize' as const,
    trace: { name: 't', sessions: 3, samples: 30, podSeconds: 7200 }, floorNodeHours: 0.5, policies: rows, gapToOracle: oracleGap(rows),
  });
  it('leads with node-hours, × floor and disruptions, names the winner, and prints the gap to the oracle', () => {
    const rows = [row('static', { oomKills: 12, disruptions: 12, nodeHours: 0.8 }), row('predictive', { memSlack: 0.2 }), row('oracle', { memSlack: 0.1, nodeHours: 0.5 })];
    const lines = formatResultTable(result(rows)).trimEnd().split('\n');
    assert.equal(lines[0], 't: 3 sessions, 30 samples, 2.0 pod-hours, floor 0.50 node-hours');
    assert.match(lines[1]!, /^policy +node-h +×floor +disrupt /);
    assert.match(lines[3]!, /^static +0\.80 +1\.60× +12 +12\/0\/0 /);
    assert.equal(new Set(lines.slice(1, 6).map((l) => l.length)).size <= 2, true);
    assert.equal(lines[6], 'winner at zero disruptions: predictive, 1.00 node-hours (2.00× floor)', 'static is cheaper but disrupts; the oracle is no contender');
    assert.match(lines[7]!, /^gap predictive - oracle: node-hours \+0\.50, disruptions 0, /);
  });
  it('fits 120 columns, or COLUMNS, by dropping diagnostics from the right', () => {
    const rows = [row('a-rather-long-policy-name', { lostWorkSeconds: 123456 }), row('oracle')];
    for (const width of [120, 100, 80]) {
      const lines = formatResultTable(result(rows), width).trimEnd().split('\n').slice(1, 4);
      for (const l of lines) assert.ok(l.length <= width, `${l.length} > ${width}: ${l}`);
      assert.match(lines[0]!, /node-h.*disrupt.*lost work.*writes\/pod-h/, 'the headline always stays');
    }
    assert.match(formatResultTable(result(rows), 250), /replay s/, 'a wide terminal gets every diagnostic');
    assert.equal(tableWidth('80'), 80);
    assert.equal(tableWidth(undefined), 120);
    assert.equal(tableWidth('wide'), 120);
  });
  it('without a clean policy, the winner line names the fewest disruptions', () => {
    assert.equal(winnerLine([row('a', { disruptions: 3, nodeHours: 1 }), row('b', { disruptions: 1, nodeHours: 2 }), row('oracle')], 0), 'no policy without disruptions; fewest: b, 1 disruptions, 2.00 node-hours');
  });
  it('no gap without both predictive and oracle', () => {
    assert.equal(oracleGap([row('static'), row('oracle')]), undefined);
  });
  it('signed numbers never print -0.0', () => {
    assert.deepEqual([signed(-0.00001, 1), signed(0.04, 1), signed(1.25, 1), signed(-2, 0), signed(0, 2)], ['0.0', '0.0', '+1.3', '-2', '0.00']);
  });
  it('human seconds', () => {
    assert.deepEqual([humanSeconds(59), humanSeconds(600), humanSeconds(36000)], ['59s', '10.0m', '10.0h']);
  });
});
