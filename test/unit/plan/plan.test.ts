// burstguard plan: a cell per policy × node shape × scale, cost from the mean nodes over the span,
// --json, the report's cost-against-traffic chart, and bad flags.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanResult } from '../../../bench/plan/run-plan.js';
import { planCommand } from '../../../src/cli/plan-cmd.js';
import { capture, tinyTrace } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

test('plan: two shapes × two scales × one policy, table, JSON and report', async (t) => {
  const dir = tempDir(t);
  const c = capture();
  const json = join(dir, 'plan.json');
  const code = await planCommand(['--trace', tinyTrace(dir), '--scale', '1,3', '--node-shape', '2x4Gi,8x32Gi', '--price', '0.1,0.4', '--policies', 'static', '--jobs', '1', '--json', json, '--report', join(dir, 'p.html')], c.io);
  assert.equal(code, 0, c.err());
  assert.match(c.out(), /plan on tiny: 4 sessions over .* h; cost\/month = mean nodes x 730 h x price per node-hour \(2x4Gi \$0\.1, 8x32Gi \$0\.4\)/);
  const r = JSON.parse(readFileSync(json, 'utf8')) as PlanResult;
  assert.deepEqual(r.rows.map((x) => [x.policy, x.nodeShape, x.scale]), [['static', '2x4Gi', 1], ['static', '2x4Gi', 3], ['static', '8x32Gi', 1], ['static', '8x32Gi', 3]]);
  for (const x of r.rows) {
    assert.ok(x.p95Nodes <= x.peakNodes && x.p95Nodes >= 1 && x.meanNodes <= x.peakNodes, JSON.stringify(x));
    assert.ok(Math.abs(x.costPerMonth - (x.nodeHours / x.liveHours) * 730 * x.pricePerNodeHour) < 0.01 + 1e-3 * x.costPerMonth, JSON.stringify(x));
  }
  // Three times the sessions on small nodes needs more of them than once.
  assert.ok((r.rows[1]?.peakNodes ?? 0) > (r.rows[0]?.peakNodes ?? 0));
  assert.match(readFileSync(join(dir, 'p.html'), 'utf8'), /Cost against traffic[^]*<svg/);
});

test('plan: bad flags exit 2 naming the flag', async (t) => {
  const trace = tinyTrace(t);
  const cases: Array<[string[], RegExp]> = [
    [['--scale', '1', '--price', '0.38'], /need --node-shape/],
    [['--node-shape', 'eightx32Gi', '--price', '0.38'], /--node-shape expects CPUxMEMORY/],
    [['--node-shape', '8x32Gi', '--scale', '1,-2', '--price', '0.38'], /--scale expects a number > 0/],
    [['--node-shape', '8x32Gi'], /need --price/],
    [['--node-shape', '8x32Gi,4x16Gi', '--price', '1,2,3'], /--price takes one price, or one per node shape \(2\), got 3/],
    [['--node-shape', '8x32Gi', '--price', '0.38', '--policies', 'magic'], /unknown policy 'magic'/],
  ];
  for (const [args, re] of cases) {
    const c = capture();
    assert.equal(await planCommand(['--trace', trace, ...args], c.io), 2, args.join(' '));
    assert.match(c.err(), re);
  }
});
