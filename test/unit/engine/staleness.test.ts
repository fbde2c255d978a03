import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../../src/core/resources.js';
import { defaultConfig } from '../../../src/config/index.js';
import type { AgentSample } from '../../../src/core/types.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { askForMemory, engineConfig, FakeActuator, FakeSource, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

// Issue 11, defect 2: a ramping pod's limit was lowered 192 → 181 Mi while it really used 163 Mi (the
// newest sample seen said 103 Mi); it was OOM-killed a second later.
const signal = new AbortController().signal;
const RATE = 3 * MiB; // bytes per second: the ramp

function ramp(endMs: number, everyS: number, n: number): AgentSample[] {
  const out: AgentSample[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const tMs = endMs - i * everyS * 1000;
    out.push({ pod: 'agents/a', tMs, memBytes: 103 * MiB - i * everyS * RATE, cpuCores: 0.1 });
  }
  return out;
}

function setup(samples: AgentSample[], askMi: number) {
  const clock = fixedClock();
  const source = new FakeSource();
  source.samples = samples;
  const limits = { memBytes: 192 * MiB, cpuCores: 1 };
  const view = new FakeView([pod('a', { limits, requests: { memBytes: 100 * MiB, cpuCores: 0.1 } })]);
  const actuator = new FakeActuator();
  const policy = askForMemory(askMi * MiB, 100 * MiB);
  return { clock, deps: { clock, source, view, actuator, policy, log: silentLogger }, state: newEngineState(policy), actuator };
}

test('a decrease counts the growth a ramp may have made since its newest sample, and says how old it is', async () => {
  const clock = fixedClock();
  const now = clock.now();
  // Newest sample 20 s old: 103 Mi then, 163 Mi now on the ramp.
  const s = setup(ramp(now - 20_000, 10, 6), 120);
  const cfg = engineConfig({ staleAfterS: 120 });
  const report = await tick(s.deps, s.state, cfg, signal);
  const a = report.actions[0];
  assert.ok(a?.kind === 'resize', 'the decrease above the grown usage still goes out');
  const usageNow = 103 * MiB + 20 * RATE;
  assert.ok(a.limits.memBytes >= usageNow, `limit lowered to ${a.limits.memBytes / MiB} Mi, below the ${usageNow / MiB} Mi the pod uses now`);
  assert.ok(a.limits.memBytes < 192 * MiB);
  assert.match(a.reason, /may have grown \d+Mi on its trend since its newest sample, 20 s old/);
  assert.match(a.reason, /newest sample 20 s old$/);
  assert.equal(a.inputs['sampleAgeS'], 20);
});

test('by default no decrease on a sample older than the bound derived from the observed spacing', async () => {
  // Samples every 5 s, the newest 40 s old: two expected samples are missing. A flat pod, so the ramp
  // floor does not come into it: only staleness can stop the decrease.
  const clock = fixedClock();
  const flat = ramp(clock.now() - 40_000, 5, 6).map((x) => ({ ...x, memBytes: 100 * MiB }));
  const s = setup(flat, 120);
  const d = defaultConfig().engine;
  const cfg = engineConfig({ staleAfterS: d.staleAfterS, tickIntervalS: 5, scrapeIntervalS: 5 });
  const report = await tick(s.deps, s.state, cfg, signal);
  const lowered = report.actions.filter((a) => a.kind === 'resize' && a.limits.memBytes < 192 * MiB);
  assert.deepEqual(lowered, [], 'a decrease went out on a sample 40 s old');
});

test('fresh samples of a flat pod still allow the decrease', async () => {
  const clock = fixedClock();
  const flat = ramp(clock.now() - 2_000, 5, 6).map((x) => ({ ...x, memBytes: 100 * MiB }));
  const s = setup(flat, 120);
  const cfg = engineConfig({ staleAfterS: 0, tickIntervalS: 5, scrapeIntervalS: 5, guards: { ...engineConfig().guards, maxDecreaseFraction: 1 } });
  const report = await tick(s.deps, s.state, cfg, signal);
  const a = report.actions[0];
  assert.ok(a?.kind === 'resize' && a.limits.memBytes < 192 * MiB, 'no decrease on fresh data');
});
