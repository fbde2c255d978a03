import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearestName } from '../../../src/core/nearest-name.js';

test('edit distance: insert, delete, substitute; case-insensitive', () => {
  for (const [a, b, d] of [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['tickIntervallS', 'tickIntervalS', 1],
    ['memBytes', 'membytes', 0],
    ['kitten', 'sitting', 3],
  ] as const) assert.equal(editDistance(a, b), d, `${a} ${b}`);
});

test('nearest name: plausible typos only', () => {
  const known = ['memBytes', 'cpuCores', 'contextTokens', 'tool'];
  assert.equal(nearestName('memBytse', known), 'memBytes');
  assert.equal(nearestName('contextToken', known), 'contextTokens');
  assert.equal(nearestName('gpu', known), undefined);
  assert.equal(nearestName('x', []), undefined);
});
