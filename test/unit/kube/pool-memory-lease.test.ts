// The remembered user values of raised warm pools, as the Lease annotation holds them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPoolMemory, parsePoolMemory, poolMemoryLeaseName } from '../../../src/adapters/kube/pool-memory-lease.js';

test('round trip, sorted by pool; malformed text or entries are dropped, never thrown', () => {
  const m = new Map([['b', { original: 2, written: 5 }], ['a', { original: 0, written: 3 }]]);
  const text = formatPoolMemory(m);
  assert.equal(text, '{"a":{"original":0,"written":3},"b":{"original":2,"written":5}}');
  assert.deepEqual(parsePoolMemory(text), new Map([['a', { original: 0, written: 3 }], ['b', { original: 2, written: 5 }]]));
  assert.equal(parsePoolMemory(undefined).size, 0);
  assert.equal(parsePoolMemory('not json').size, 0);
  assert.equal(parsePoolMemory('[1]').size, 0);
  assert.deepEqual([...parsePoolMemory('{"x":{"original":-1,"written":2},"y":{"original":1.5,"written":2},"z":{"original":1,"written":2}}')], [['z', { original: 1, written: 2 }]]);
  assert.equal(poolMemoryLeaseName('burstguard'), 'burstguard-agent-sandbox');
});
