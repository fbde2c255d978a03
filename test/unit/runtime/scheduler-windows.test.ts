import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PrewarmWindow } from '../../../src/config/index.js';
import { activeWindows, latestStart, WindowTracker } from '../../../src/runtime/prewarm-windows.js';

// Local-time dates: node-cron reads crons in local time, so the tests hold in any TZ.
const at = (d: number, h: number, m = 0, s = 0): number => new Date(2026, 10, d, h, m, s).getTime(); // Nov 2026

const weekday9: PrewarmWindow = { name: 'morning', cron: '0 9 * * 1-5', durationMinutes: 90, agentClass: '', minReplicas: 3 };

test('latestStart finds the cron start inside the look-back, and nothing outside it', () => {
  // 27 Nov 2026 is a Friday.
  assert.equal(latestStart('0 9 * * 1-5', at(27, 9, 30), 90 * 60_000), at(27, 9));
  assert.equal(latestStart('0 9 * * 1-5', at(27, 9, 0), 90 * 60_000), at(27, 9), 'a window opens at its start instant');
  assert.equal(latestStart('0 9 * * 1-5', at(27, 8, 59, 59), 90 * 60_000), undefined);
  assert.equal(latestStart('0 9 * * 1-5', at(27, 10, 30), 90 * 60_000), undefined, 'closed exactly at start + duration');
  assert.equal(latestStart('0 9 * * 1-5', at(28, 9, 30), 90 * 60_000), undefined, 'Saturday');
  assert.equal(latestStart('*/20 * * * * *', at(27, 9, 0, 45), 60_000), at(27, 9, 0, 40), 'six-field crons to the second');
  assert.equal(latestStart('*/10 * * * *', at(27, 9, 25), 60 * 60_000), at(27, 9, 20), 'the latest of overlapping starts');
});

test('activeWindows spans [start, start + duration)', () => {
  const open = activeWindows([weekday9], at(27, 10));
  assert.equal(open.length, 1);
  assert.equal(open[0]?.startMs, at(27, 9));
  assert.equal(open[0]?.endMs, at(27, 10, 30));
  assert.deepEqual(activeWindows([weekday9], at(27, 11)), []);
});

test('WindowTracker reports each opening and closing once', () => {
  const t = new WindowTracker();
  const seen: string[] = [];
  for (const now of [at(27, 8, 59), at(27, 9), at(27, 9, 15), at(27, 10, 29), at(27, 10, 30), at(27, 12)]) {
    const c = t.step([weekday9], now);
    for (const w of c.opened) seen.push(`open ${w.window.name} ${new Date(now).getHours()}:${new Date(now).getMinutes()}`);
    for (const w of c.closed) seen.push(`close ${w.window.name} ${new Date(now).getHours()}:${new Date(now).getMinutes()}`);
  }
  assert.deepEqual(seen, ['open morning 9:0', 'close morning 10:30']);
});

test('a restart mid-window opens it; a reload that drops an open window closes it', () => {
  const t = new WindowTracker();
  assert.equal(t.step([weekday9], at(27, 9, 45)).opened.length, 1, 'fresh tracker in the middle of the window');
  assert.equal(t.step([weekday9], at(27, 9, 46)).opened.length, 0);
  const dropped = t.step([], at(27, 9, 47));
  assert.equal(dropped.closed[0]?.window.name, 'morning');
  assert.equal(t.current().length, 0);
});
