import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FloorMeter, floorNodeHours } from '../../../bench/score/floor.js';
import { flat, GiB, sorted } from './fixtures.js';

const node = { memBytes: 4 * GiB, cpuCores: 2 };

test('the floor packs actual usage perfectly: ceil(max(Σmem / node mem, Σcpu / node cpu)) per second', async () => {
  // Three sessions of 1.5 GiB for an hour: 4.5 GiB needs two 4 GiB nodes.
  const three = sorted(...['a', 'b', 'c'].map((s) => flat(s, 0, 3600, 1536, 0.1)));
  assert.equal(await floorNodeHours(three, node, 300), 2);
  // CPU-bound: 3 × 1 core on 2-core nodes also needs two, though memory fits one.
  const cpu = sorted(...['a', 'b', 'c'].map((s) => flat(s, 0, 3600, 100, 1)));
  assert.equal(await floorNodeHours(cpu, node, 300), 2);
});

test('demand between samples is the later sample: a sample at t covers (prev, t]; a lull holds nothing', async () => {
  const sparse = [
    { session: 'a', t: 0, memBytes: GiB, cpuCores: 0.1 },
    { session: 'a', t: 1800, memBytes: GiB, cpuCores: 0.1 },
    { session: 'b', t: 1800, memBytes: GiB, cpuCores: 0.1 },
    { session: 'b', t: 3600, memBytes: GiB, cpuCores: 0.1 },
  ];
  assert.equal(await floorNodeHours(sparse, node, 3600), 1, 'a covers 0..1800, b 1800..3600: one node throughout');
  // With a 300 s session gap, each 1800 s silence ends the session: nothing is held.
  assert.equal(await floorNodeHours(sparse, node, 300), 0);
});

test('no usage, no nodes; the meter is exact at the node boundary', () => {
  const m = new FloorMeter(node, 300);
  assert.equal(m.nodeHours(), 0);
  for (const s of sorted(flat('a', 0, 3600, 2048), flat('b', 0, 3600, 2048))) m.add(s);
  assert.equal(m.nodeHours(), 1, 'exactly 4 GiB fits one 4 GiB node');
});

test('the held floor keeps each packed node for the removal delay after its usage ends', () => {
  const m = new FloorMeter(node, 300);
  // Two nodes' worth for the first 600 s, one node's worth to 3600 s.
  for (const s of sorted(flat('a', 0, 3600, 3072), flat('b', 0, 600, 3072))) m.add(s);
  const floor = m.nodeHours();
  assert.ok(Math.abs(floor - (600 * 2 + 3000) / 3600) < 1e-2, `floor ${floor}`);
  assert.equal(m.heldNodeHours(0), floor, 'no delay: the floor');
  // With a 600 s delay the second node stays 600 s after b ends (to the trace's end at most).
  assert.ok(Math.abs(m.heldNodeHours(600) - (1200 * 2 + 2400) / 3600) < 1e-2, `held ${m.heldNodeHours(600)}`);
  // A delay past the end holds the peak to the end, never beyond the trace.
  assert.ok(Math.abs(m.heldNodeHours(1e6) - 2) < 1e-2);
});
