import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapBounded } from '../../../src/engine/bounded-map.js';

/** Calls that resolve in a scrambled order after a few turns of the event loop. */
function tracked(): { fn: (x: number) => Promise<number>; peak: () => number; started: number[] } {
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  const fn = async (x: number): Promise<number> => {
    started.push(x);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    for (let i = 0; i < 1 + ((x * 7) % 5); i++) await Promise.resolve();
    inFlight -= 1;
    return x * 10;
  };
  return { fn, peak: () => peak, started };
}

test('at most `limit` in flight, results in item order, calls started in item order', async () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  for (const limit of [1, 4, 16, 500]) {
    const t = tracked();
    const out = await mapBounded(items, limit, t.fn);
    assert.deepEqual(out, items.map((x) => x * 10));
    assert.deepEqual(t.started, items);
    assert.equal(t.peak(), Math.min(limit, items.length), `limit ${limit}`);
  }
});

test('no items, or a nonsensical limit, still works', async () => {
  assert.deepEqual(await mapBounded([], 16, () => Promise.resolve(1)), []);
  assert.deepEqual(await mapBounded([1, 2], 0, (x) => Promise.resolve(x)), [1, 2]);
});
