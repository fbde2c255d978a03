import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bySession, gridTrace, pickSessions, toGrid } from '../../../bench/simreal/sessions.js';
import type { TraceSample } from '../../../src/trace/types.js';

const s = (t: number, memBytes: number, toolCalls = 0): TraceSample => ({ session: 'a', t, memBytes, cpuCores: 0.4, toolCalls, agentClass: 'swe' });

test('toGrid: each grid second takes the first sample at or after it (the later sample\'s demand), tool calls summed into their interval', () => {
  const g = toGrid([s(10, 100, 1), s(10.6, 900, 1), s(11.9, 200), s(13.2, 300, 2)], 60, { memScale: 0.5, cpuScale: 0.25 });
  assert.deepEqual(g.mem, [50, 450, 150, 150]);
  assert.deepEqual(g.calls, [1, 1, 0, 2]);
  assert.deepEqual(g.cpu, [0.1, 0.1, 0.1, 0.1]);
  assert.equal(g.agentClass, 'swe');
});

test('toGrid cuts a session to its window', () => {
  const rows = Array.from({ length: 100 }, (_, i) => s(i, i));
  assert.equal(toGrid(rows, 30, { memScale: 1, cpuScale: 1 }).mem.length, 31);
});

test('pickSessions is seeded and skips sessions too short to say anything; gridTrace lays them at their offsets, sorted', () => {
  const rows: TraceSample[] = [];
  for (const id of ['x', 'y', 'z', 'short']) for (let t = 0; t <= (id === 'short' ? 5 : 40); t++) rows.push({ ...s(t, 1000 + t), session: id });
  const sessions = bySession(rows);
  const a = pickSessions(sessions, { count: 2, windowS: 20, seed: 7, memScale: 1, cpuScale: 1 });
  const b = pickSessions(sessions, { count: 2, windowS: 20, seed: 7, memScale: 1, cpuScale: 1 });
  assert.deepEqual(a, b);
  assert.ok(a.every((x) => x.source !== 'short'));
  assert.throws(() => pickSessions(sessions, { count: 4, windowS: 20, seed: 7, memScale: 1, cpuScale: 1 }), /3 sessions of at least 30 s; 4 asked/);
  const trace = gridTrace(a, [0, 3]);
  assert.equal(trace.length, 42);
  assert.deepEqual(trace.filter((x) => x.session === 's1').map((x) => x.t).slice(0, 2), [3, 4]);
  assert.ok(trace.every((x, i) => i === 0 || (trace[i - 1] as TraceSample).t <= x.t));
});
