import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, unreachableVsBaseline } from '../../../tools/bench-summary.js';

test('the node-hours target is unreachable when 0.75 × the best baseline is below the floor', () => {
  // tau2-bench at 16x14Gi ×4 --cv 5: static-tuned sits at the floor, so 0.75 × it is below what any policy needs.
  assert.match(unreachableVsBaseline(2.73, 2.73) ?? '', /unreachable: 0.75 × 2.73 = 2.05 is below the floor 2.73/);
  // 0.75 × 4 = 3 ≥ 2.9: a policy could still meet it.
  assert.equal(unreachableVsBaseline(4, 2.9), undefined);
});

test('summarise picks the lowest baseline, and the lowest within the disruption target', () => {
  const row = (policy: string, nodeHours: number, disruptionsPer100PodHours: number) => ({ policy, nodeHours, disruptionsPer100PodHours, apiWritesPerPodHour: 0 });
  const [s] = summarise([
    {
      trace: { name: 't' },
      floorNodeHours: 1,
      policies: [row('static', 0.5, 0), row('reactive', 1.2, 9), row('vpa', 1.5, 0), row('predictive', 1.4, 0)],
    },
  ]);
  assert.equal(s?.best?.policy, 'reactive'); // static is no baseline of the target
  assert.equal(s?.bestSafe?.policy, 'vpa');
  assert.equal(s?.predictive?.nodeHours, 1.4);
});
