import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { fitClassPrior, fitPriors, HINT_LANDING_S, HINTED_IDLE, type FitSession } from '../../../models/fit/fit-prior.js';
import { knotsOf, peakAhead } from '../../../models/fit/window-stats.js';
import { BUNDLED_PRIORS, parsePrior } from '../../../models/priors/index.js';

const MB = 1e6;
const template = BUNDLED_PRIORS.get('default')!;

/** 600 s at 200 MB idle, with a 20 s Bash:test burst to 1200 MB every 120 s; context +1000 tokens every 10 s. */
function session(id: string, agentClass = 'swe'): FitSession {
  const samples: TraceSample[] = [];
  for (let t = 0; t < 600; t++) {
    const testing = t % 120 >= 60 && t % 120 < 80;
    samples.push({
      session: id,
      t,
      memBytes: (testing && t % 120 >= 65 ? 1200 : 200) * MB,
      cpuCores: testing ? 2 : 0.1,
      contextTokens: 1000 * Math.floor(t / 10),
      toolCalls: t % 10 === 0 ? 1 : 0,
      toolErrors: 0,
      ...(testing ? { tool: 'Bash:test' } : {}),
      agentClass,
    });
  }
  return { id, agentClass, samples };
}

test('peakAhead is the largest value in (t, t + H], or the own value when nothing follows', () => {
  assert.deepEqual(peakAhead([0, 1, 2, 3, 4, 5], [1, 5, 2, 3, 9, 1], 2), [5, 3, 9, 9, 1, 1]);
});

test('knots are ordered and carry how many draws they are worth', () => {
  const k = knotsOf([5, 1, 3, 2, 4], 2.4, 1);
  assert.ok(k.p50 <= k.p90 && k.p90 <= k.p99 && k.p99 <= k.max);
  assert.equal(k.max, 5);
  assert.equal(k.n, 2);
});

test('a fitted prior measures baseline, the burst after Bash:test, start-up and context steps from the sessions', () => {
  const p = fitClassPrior('swe', [session('a'), session('b')], { horizonS: 45, template, fittedOn: 'test sessions', minStateWindows: 3 });
  assert.ok(parsePrior(p).ok, 'a fitted prior is a valid prior');
  assert.equal(p.memory.baselineBytes, 200 * MB);
  const test = p.memory.excessBytes['Bash:test']!;
  const idle = p.memory.excessBytes['idle']!;
  assert.equal(test.max, 1000 * MB);
  assert.ok(test.p50 > idle.p50, `a test run predicts more excess (${test.p50}) than idle (${idle.p50})`);
  assert.equal(p.memory.startupPeakBytes.max, 200 * MB);
  assert.equal(p.context.tokensPerStepMean, 1000);
  assert.equal(p.context.stepIntervalS, 10);
  assert.equal(p.toolLoop.meanDurationS['Bash:test'], 20);
  assert.match(p.provenance['fittedOn'] ?? '', /test sessions: 2 sessions of class swe/);
});

test('fitPriors fits every class present and a pooled default; a class without usable sessions keeps the template', () => {
  const m = fitPriors([session('a'), session('b', 'chat')], { horizonS: 45, template, fittedOn: 'x' });
  assert.deepEqual([...m.keys()], ['chat', 'swe', 'default']);
  assert.match(m.get('default')!.source, /2 sessions of class default/);
  const empty = fitClassPrior('lonely', [{ id: 'z', agentClass: 'lonely', samples: [] }], { horizonS: 45, template, fittedOn: 'x' });
  assert.equal(empty.agentClass, 'lonely');
  assert.deepEqual(empty.memory, template.memory);
});

/**
 * 600 s at 200 MB idle with a Bash:test call every 120 s (t % 120 in [60, 80)): its memory jumps to
 * 1200 MB `burstAfterS` seconds into the call.
 */
function hintedSession(id: string, burstAfterS: number): FitSession {
  const samples: TraceSample[] = [];
  for (let t = 0; t < 600; t++) {
    const inCall = t % 120 >= 60 && t % 120 < 80;
    const burst = inCall && t % 120 >= 60 + burstAfterS;
    samples.push({ session: id, t, memBytes: (burst ? 1200 : 200) * MB, cpuCores: 0.1, ...(inCall ? { tool: 'Bash:test' } : {}), agentClass: 'swe' });
  }
  return { id, agentClass: 'swe', samples };
}

test("idle~hinted counts only what a hint cannot cover: a call's first HINT_LANDING_S seconds", () => {
  const fit = (burstAfterS: number) => fitClassPrior('swe', [hintedSession('a', burstAfterS)], { horizonS: 45, template, fittedOn: 'test', minStateWindows: 3 }).memory.excessBytes;
  // The call starts where the previous (idle) sample ends, t = 59; the raise is in force HINT_LANDING_S later.
  assert.equal(HINT_LANDING_S, 1);
  const late = fit(3);
  assert.equal(late['idle']!.max, 1000 * MB, 'the idle tail sees the coming burst');
  assert.equal(late[HINTED_IDLE]!.max, 0, "a burst 3 s into the call is the hint's to cover");
  const early = fit(0);
  assert.equal(early[HINTED_IDLE]!.max, 1000 * MB, "a burst in the call's first second lands before the hinted raise");
  assert.equal(early[HINTED_IDLE]!.n, early['idle']!.n);
});

test("a class's prior carries its sessions' lengths; the pooled default does not (it says nothing about one class)", () => {
  const m = fitPriors([session('a'), session('b'), session('c', 'chat')], { horizonS: 45, template, fittedOn: 'x' });
  assert.equal(m.get('swe')!.sessionS?.p90, 599, 'first to last sample of 600 one-second samples');
  assert.ok(parsePrior(m.get('swe')).ok, 'still a valid prior');
  assert.equal(m.get('default')!.sessionS, undefined);
  assert.match(m.get('default')!.provenance['sessionS'] ?? '', /pooled/);
});
