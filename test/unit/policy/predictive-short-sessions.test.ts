// Short-session classes (short-sessions.ts): one memory limit for the whole session, at admission and at
// the raise that goes anyway, so a pod whose session ends before a write token does not write per step.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { AdmissionRequest, PolicyContext, ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { stateHeadroom } from '../../../models/burst-model.js';
import { classModel, tailOptions, type PredictiveState } from '../../../src/policy/predictive/state.js';
import {
  carriedSessionLimit,
  noteRaised,
  RAISED_SHARE,
  raisesCommon,
  SESSION_LIMIT_MARGIN,
  SESSION_WINDOW,
  SHORT_MIN_ENDED,
  noteSessionEnd,
  sessionLimit,
  sessionPeakExcess,
  shortSessionLength,
  tokenPeriodS,
  writeGoesAnyway,
} from '../../../src/policy/predictive/short-sessions.js';
import { agentPodView } from './agent-pod-view.js';

const template = { requests: { memBytes: 512 * MiB, cpuCores: 0.25 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } };
const node = { memBytes: 16 * GiB, cpuCores: 8 };
const view = (key: string): PodView => agentPodView(key, { ...template, nodeAllocatable: node });
const eps = 0.002;

describe('short sessions: the pure parts', () => {
  it('a token comes every 3600 / maxWritesPerPodHour seconds', () => {
    assert.equal(tokenPeriodS(3), 1200);
    assert.equal(tokenPeriodS(0), Infinity);
  });
  it('the run calls a class short with enough ended sessions, when nearly all of them end before a token', () => {
    const short = Array.from({ length: SHORT_MIN_ENDED }, (_, i) => 120 + i);
    assert.equal(shortSessionLength(undefined, short.slice(1), [], 1200), undefined, 'too few ended sessions');
    assert.ok((shortSessionLength(undefined, short, [], 1200) ?? 0) >= 120);
    assert.equal(shortSessionLength(undefined, [...short, ...short, 3600, 3600, 3600], [], 1200), undefined, 'a fifth of them outlive a token');
    assert.equal(shortSessionLength(undefined, short, [], 60), undefined, 'longer than the token period');
  });
  it('live pods count, censored at their age: early ended sessions are the short ones', () => {
    // Three sessions ended at ~2 min while 30 others run at 5 min: the run cannot tell yet.
    const ended = [110, 120, 130];
    const live = Array.from({ length: 30 }, () => 300);
    assert.equal(shortSessionLength(undefined, ended, live, 1200), undefined);
    // Without the live pods the same ended sessions would say short.
    assert.ok(shortSessionLength(undefined, ended, [], 1200) !== undefined);
  });
  it('until the run can tell, the class prior decides; once pods outlive a token, the run does', () => {
    const prior = { p50: 150, p90: 320, p99: 600, max: 640, n: 40 };
    const long = { ...prior, p50: 2500, p90: 3900, p99: 3900, max: 3900 };
    assert.equal(shortSessionLength(prior, [], [], 1200), 320, 'no run evidence: the prior');
    assert.equal(shortSessionLength(long, [], [], 1200), undefined, 'a prior of hour-long sessions');
    assert.equal(shortSessionLength(prior, [100, 110], Array.from({ length: 10 }, () => 1300), 1200), undefined, 'pods of this run outlive a token');
  });
  it('raises are common in a class from RAISED_SHARE of its ended pods on', () => {
    const m = new Map<string, { ended: number; raised: number }>();
    for (let i = 0; i < SHORT_MIN_ENDED; i++) noteRaised(m, 'swe', i === 0);
    assert.equal(raisesCommon(m.get('swe')), 1 >= RAISED_SHARE * SHORT_MIN_ENDED);
    for (let i = 0; i < SHORT_MIN_ENDED; i++) noteRaised(m, 'swe', true);
    assert.equal(raisesCommon(m.get('swe')), true);
    assert.equal(raisesCommon(undefined), false);
  });
  it('keeps the most recent SESSION_WINDOW lengths per class', () => {
    const m = new Map<string, number[]>();
    for (let i = 0; i < SESSION_WINDOW + 5; i++) noteSessionEnd(m, 'swe', i);
    assert.equal(m.get('swe')?.length, SESSION_WINDOW);
    assert.equal(m.get('swe')?.[0], 5);
  });
  it('a session limit rides only on a write that goes anyway, and only when it carries something', () => {
    const fields = ['memory limit up [risk at the current limit 0.0005 vs ε 0.00006]'];
    assert.equal(writeGoesAnyway(2000, 2024, false, fields), false, 'a 1 % raise alone: the guards drop it');
    assert.equal(writeGoesAnyway(2000, 2024, true, fields), true, 'close to the limit: it goes');
    assert.equal(writeGoesAnyway(2000, 2200, false, fields), true, 'a 10 % raise goes');
    assert.equal(writeGoesAnyway(2000, 2000, false, ['cpu request up']), true, 'a raise of a request goes');
    assert.equal(writeGoesAnyway(2000, 2000, false, ['memory request down']), false, 'a decrease may be held by the guards (cooldown)');
    assert.equal(carriedSessionLimit(2000, 2200, 2600), 2600, 'a raise goes to the session limit');
    assert.equal(carriedSessionLimit(2000, 2000, 2600), 2600, 'a write that goes anyway carries it up');
    assert.equal(carriedSessionLimit(2000, 2000, 2050), undefined, 'a few percent: not worth carrying');
    assert.equal(carriedSessionLimit(2000, 1200, 1600), 1600, 'a limit coming down stops at the session limit');
    assert.equal(carriedSessionLimit(2000, 1200, 2600), 2000, '… and not below the limit in force');
    assert.equal(carriedSessionLimit(2000, 2800, 2600), undefined, 'the target is above it already');
  });
  it('the session peak is the largest ε-burst of any state, and the session limit adds the margin', () => {
    const p = createPredictivePolicy({ riskBudget: eps });
    const st = p.init();
    const o = resolvePredictiveOptions({ riskBudget: eps });
    const cm = classModel(st, 'swe', o);
    const peak = sessionPeakExcess(cm, tailOptions(o));
    for (const s of Object.keys(cm.prior.memory.excessBytes)) assert.ok(peak >= stateHeadroom(cm, s, tailOptions(o)).memExcess, s);
    assert.ok(Object.keys(cm.prior.memory.excessBytes).some((st2) => stateHeadroom(cm, st2, tailOptions(o)).memExcess === peak), 'one of them');
    assert.equal(sessionLimit(100, 900), 1000 * (1 + SESSION_LIMIT_MARGIN));
  });
});

/** Ends `n` sessions of class swe, each `lengthS` long, at ~200 MiB. */
function endSessions(p: ReturnType<typeof createPredictivePolicy>, st: PredictiveState, n: number, lengthS: number): void {
  for (let i = 0; i < n; i++) {
    const v = view(`ns/e${i}`);
    for (const tS of [0, lengthS]) {
      const ctx: PolicyContext = { nowMs: tS * 1000, pods: [v], scaledObjects: [] };
      p.observe(st, [{ pod: v.key, tMs: tS * 1000, memBytes: 200 * MiB, cpuCores: 0.05, agentClass: 'swe' }], ctx);
    }
    p.forget?.(st, v.key);
  }
}

const req: AdmissionRequest = { key: 'ns/new', agentClass: 'swe', ...template };

describe('short sessions: admission', () => {
  it('a class whose sessions end within minutes and commonly need a limit raise is admitted at its session limit; others keep the idle limit', () => {
    const limitAfter = (n: number, lengthS: number, raised = n): number => {
      const p = createPredictivePolicy({ riskBudget: eps });
      const st = p.init();
      endSessions(p, st, n, lengthS);
      st.raisedSessions.set('swe', { ended: n, raised });
      const r = p.admit?.(st, req, 10_000_000);
      assert.ok(r);
      return r.limits.memBytes;
    };
    const unknown = limitAfter(0, 0);
    const short = limitAfter(4 * SHORT_MIN_ENDED, 180);
    const long = limitAfter(4 * SHORT_MIN_ENDED, 7200);
    assert.equal(long, unknown, 'hour-long sessions: the idle limit as before');
    assert.equal(limitAfter(4 * SHORT_MIN_ENDED, 180, 1), unknown, 'raises rare in the class: the idle limit (their raises carry request decreases)');
    const p = createPredictivePolicy({ riskBudget: eps });
    const st = p.init();
    const o = resolvePredictiveOptions({ riskBudget: eps });
    const peak = sessionPeakExcess(classModel(st, 'swe', o), tailOptions(o));
    assert.ok(short > unknown, `short sessions get the session limit: ${Math.round(short / MiB)}Mi vs ${Math.round(unknown / MiB)}Mi`);
    assert.ok(short >= peak * (1 + SESSION_LIMIT_MARGIN), 'at least the largest ε-burst with its margin');
  });
});

/** A pod running a tool call from t = 15 s, its limit as the policy writes it; returns the resizes. */
function loop(endedLengthS: number | undefined): ResizeRecommendation[] {
  const p = createPredictivePolicy({ riskBudget: eps });
  const st = p.init();
  if (endedLengthS !== undefined) endSessions(p, st, 4 * SHORT_MIN_ENDED, endedLengthS);
  let limits = { memBytes: 1 * GiB, cpuCores: 1 };
  let requests = template.requests;
  const out: ResizeRecommendation[] = [];
  for (let k = 1; k <= 12; k++) {
    const tMs = 10_000_000 + k * 15_000;
    const v: PodView = { ...agentPodView('ns/a', { requests, limits, nodeAllocatable: node }), startedAtMs: 10_000_000 };
    const s: AgentSample = { pod: v.key, tMs, memBytes: (200 + 4 * k) * MiB, cpuCores: 0.1, agentClass: 'swe', tool: 'Bash:test' };
    const ctx: PolicyContext = { nowMs: tMs, pods: [v], scaledObjects: [] };
    p.observe(st, [s], ctx);
    const recs = p.recommend(st, ctx).filter((r): r is ResizeRecommendation => r.kind === 'resize');
    for (const r of recs) ({ limits, requests } = r);
    out.push(...recs);
  }
  return out;
}

describe('short sessions: the raise that goes anyway', () => {
  it('goes to the session limit, so the rising baseline writes no more limit raises', () => {
    // The same class evidence (ended sessions of the same pods), only their length differs.
    const before = loop(7200);
    const short = loop(180);
    const raises = (rs: ResizeRecommendation[]): number => rs.filter((r) => /memory limit up/.test(r.reason)).length;
    assert.ok(raises(before) >= 1, 'the tool burst needs a raise');
    const first = short.find((r) => /memory limit up/.test(r.reason));
    assert.ok(first, 'the short-session pod is raised too');
    assert.match(first.reason, /session limit/);
    const firstBefore = before.find((r) => /memory limit up/.test(r.reason));
    assert.ok(firstBefore && first.limits.memBytes > firstBefore.limits.memBytes, 'to more than the ε-limit of its state');
    assert.ok(raises(short) <= raises(before), `raises ${raises(short)} vs ${raises(before)}`);
    for (const r of [...before, ...loop(undefined)]) assert.doesNotMatch(r.reason, /session limit/, 'long or unknown sessions: the ε-limit of the state, as before');
  });
});

describe('short sessions: what admission learns from ended pods', () => {
  it('an ended pod counts as raised when a memory-limit raise was planned for it', () => {
    const p = createPredictivePolicy({ riskBudget: eps });
    const st = p.init();
    const small = { memBytes: 300 * MiB, cpuCores: 1 };
    for (const [key, limits] of [['ns/small', small], ['ns/big', { memBytes: 12 * GiB, cpuCores: 1 }]] as const) {
      for (let k = 1; k <= 4; k++) {
        const v: PodView = agentPodView(key, { requests: { memBytes: 256 * MiB, cpuCores: 0.25 }, limits, nodeAllocatable: node });
        const ctx: PolicyContext = { nowMs: k * 15_000, pods: [v], scaledObjects: [] };
        p.observe(st, [{ pod: key, tMs: k * 15_000, memBytes: 200 * MiB, cpuCores: 0.05, agentClass: 'swe', tool: 'Bash:test' }], ctx);
        p.recommend(st, ctx);
      }
      p.forget?.(st, key);
    }
    assert.deepEqual(st.raisedSessions.get('swe'), { ended: 2, raised: 1 }, 'the 300Mi pod needed a raise, the 12Gi one did not');
  });
});
