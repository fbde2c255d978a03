import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldOf, groupSessions } from '../../../bench/tune/sessions.js';

test('samples group into sessions in first-appearance order, class defaulting to default', () => {
  const s = groupSessions([
    { session: 'b', t: 0, memBytes: 1, cpuCores: 0 },
    { session: 'a', t: 0, memBytes: 1, cpuCores: 0, agentClass: 'swe' },
    { session: 'b', t: 1, memBytes: 2, cpuCores: 0 },
  ]);
  assert.deepEqual(s.map((x) => [x.id, x.agentClass, x.samples.length]), [['b', 'default', 2], ['a', 'swe', 1]]);
});

test('folds are balanced, depend only on (ids, k, seed), and change with the seed', () => {
  const ids = Array.from({ length: 23 }, (_, i) => `s${i}`);
  const f = foldOf(ids, 5, 1);
  const sizes = [0, 0, 0, 0, 0];
  for (const k of f.values()) sizes[k]!++;
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes.join(",")}`);
  assert.deepEqual(foldOf([...ids].reverse(), 5, 1), f);
  assert.notDeepEqual([...foldOf(ids, 5, 2)].sort(), [...f].sort());
  assert.throws(() => foldOf(ids, 1, 1), /k must be a whole number >= 2/);
  assert.throws(() => foldOf(['a'], 2, 1), /1 sessions cannot make 2 folds/);
});
