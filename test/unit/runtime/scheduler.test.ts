import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../../src/engine/ports.js';
import type { ActiveWindow } from '../../../src/runtime/prewarm-windows.js';
import { SingleFlight, startScheduler, type CronScheduler, type ScheduleConfig, type Timers } from '../../../src/runtime/scheduler.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A promise the test resolves by hand, to hold a run "in flight". */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Hand-driven timers and crons: nothing fires unless the test says so. */
function manual() {
  const intervals = new Map<number, { fn: () => void; ms: number }>();
  const crons = new Map<number, { expr: string; fn: () => void }>();
  let id = 0;
  const timers: Timers = {
    setInterval: (fn, ms) => {
      intervals.set(++id, { fn, ms });
      return id;
    },
    clearInterval: (h) => intervals.delete(h as number),
  };
  const cron: CronScheduler = (expr, fn) => {
    const k = ++id;
    crons.set(k, { expr, fn });
    return { stop: () => crons.delete(k) };
  };
  return { timers, cron, intervals, crons };
}

test('SingleFlight never runs two at once and counts the skipped', async () => {
  const sf = new SingleFlight();
  const g = gate();
  let runs = 0;
  const bump = (): Promise<void> => {
    runs++;
    return Promise.resolve();
  };
  const first = sf.run(async () => {
    runs++;
    await g.promise;
  });
  assert.equal(sf.busy, true);
  assert.equal(await sf.run(bump), 'skipped');
  assert.equal(await sf.run(bump), 'skipped');
  g.open();
  assert.equal(await first, 'ran');
  assert.equal(runs, 1);
  assert.equal(sf.skipped, 2);
  assert.equal(await sf.run(bump), 'ran', 'free again once the run is over');
  assert.equal(runs, 2);
});

test('SingleFlight frees itself when the run throws', async () => {
  const sf = new SingleFlight();
  await assert.rejects(sf.run(() => Promise.reject(new Error('x'))));
  assert.equal(sf.busy, false);
});

const CFG: ScheduleConfig = {
  tickIntervalS: 15,
  modelRefit: '*/30 * * * *',
  prewarm: [{ name: 'morning', cron: '0 9 * * *', durationMinutes: 60, agentClass: '', scaleFactor: 2 }],
};

function setup(now: { t: number }) {
  const m = manual();
  const calls: string[] = [];
  let tickGate: Promise<void> | undefined;
  let skipped = 0;
  const s = startScheduler(CFG, {
    clock: { now: () => now.t },
    logger: silent,
    timers: m.timers,
    cron: m.cron,
    onTick: async () => {
      calls.push('tick');
      await tickGate;
    },
    onRefit: () => {
      calls.push('refit');
      return Promise.resolve();
    },
    onWindowStart: (w: ActiveWindow) => void calls.push(`start ${w.window.name}`),
    onWindowEnd: (w: ActiveWindow) => void calls.push(`end ${w.window.name}`),
    onTickSkipped: () => void skipped++,
  });
  return { s, m, calls, setGate: (p: Promise<void> | undefined) => (tickGate = p), skipped: () => skipped };
}

test('the scheduler arms one tick interval, the refit cron and one cron per window', () => {
  const { s, m } = setup({ t: new Date(2026, 10, 27, 8).getTime() });
  assert.deepEqual([...m.intervals.values()].map((i) => i.ms), [15_000]);
  assert.deepEqual([...m.crons.values()].map((c) => c.expr).sort(), ['*/30 * * * *', '0 9 * * *']);
  s.stop();
  assert.equal(m.intervals.size, 0);
  assert.equal(m.crons.size, 0);
});

test('a tick due while the previous one runs is skipped and counted', async () => {
  const { s, m, calls, setGate, skipped } = setup({ t: new Date(2026, 10, 27, 8).getTime() });
  const g = gate();
  setGate(g.promise);
  const fire = (): void => [...m.intervals.values()][0]?.fn();
  fire();
  await new Promise((r) => setImmediate(r));
  fire();
  fire();
  await new Promise((r) => setImmediate(r));
  assert.equal(skipped(), 2);
  g.open();
  setGate(undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(await s.tick(), 'ran');
  assert.deepEqual(calls, ['tick', 'tick']);
  s.stop();
});

test('windows open at their cron and close on the first tick after their end', async () => {
  const now = { t: new Date(2026, 10, 27, 8, 59).getTime() };
  const { s, m, calls } = setup(now);
  await s.tick();
  now.t = new Date(2026, 10, 27, 9, 0).getTime();
  [...m.crons.values()].find((c) => c.expr === '0 9 * * *')?.fn();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(s.openWindows().map((w) => w.window.name), ['morning']);
  now.t = new Date(2026, 10, 27, 9, 30).getTime();
  await s.tick();
  now.t = new Date(2026, 10, 27, 10, 0, 10).getTime();
  await s.tick();
  assert.deepEqual(calls, ['tick', 'start morning', 'tick', 'end morning', 'tick']);
  s.stop();
});

test('the refit cron runs the refit; failures are logged and the schedule goes on', async () => {
  const m = manual();
  const errors: string[] = [];
  const logger: Logger = { ...silent, error: (obj) => void errors.push(JSON.stringify(obj)) };
  let refits = 0;
  const s = startScheduler(CFG, {
    clock: { now: () => 0 },
    logger,
    timers: m.timers,
    cron: m.cron,
    onTick: () => Promise.reject(new Error('tick exploded')),
    onRefit: () => {
      refits++;
      return Promise.reject(new Error('refit exploded'));
    },
    onWindowStart: () => undefined,
    onWindowEnd: () => undefined,
  });
  [...m.crons.values()].find((c) => c.expr === '*/30 * * * *')?.fn();
  await new Promise((r) => setImmediate(r));
  assert.equal(await s.tick(), 'ran');
  assert.equal(await s.refit(), 'ran');
  assert.equal(refits, 2);
  assert.ok(errors.some((e) => e.includes('refit exploded')));
  assert.ok(errors.some((e) => e.includes('tick exploded')));
  s.stop();
});

test('reconfigure re-arms with the new interval and windows', () => {
  const { s, m } = setup({ t: 0 });
  s.reconfigure({ tickIntervalS: 30, modelRefit: '0 * * * *', prewarm: [] });
  assert.deepEqual([...m.intervals.values()].map((i) => i.ms), [30_000]);
  assert.deepEqual([...m.crons.values()].map((c) => c.expr), ['0 * * * *']);
  s.stop();
});
