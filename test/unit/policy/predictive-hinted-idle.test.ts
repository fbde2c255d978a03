// With pre-tool hints counted on (hintLossRate < 1), an idle pod's limit holds only what a hinted call
// leaves to it: the prior's idle~hinted tail, mixed with the full idle tail at the loss rate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, type PredictiveOptions } from '../../../src/policy/predictive/index.js';
import { BUNDLED_PRIORS, type AgentClassPrior } from '../../../models/priors/index.js';
import { HINTED_IDLE } from '../../../models/fit/fit-prior.js';

const MB = 1e6;
const swe = BUNDLED_PRIORS.get('swe')!;

/** The swe prior with an idle tail made of tool bursts a hint would cover (idle~hinted small). */
function prior(withHinted: boolean): AgentClassPrior {
  const excess = {
    ...swe.memory.excessBytes,
    idle: { p50: 10 * MB, p90: 100 * MB, p99: 900 * MB, max: 1500 * MB, n: 500 },
    ...(withHinted ? { [HINTED_IDLE]: { p50: 10 * MB, p90: 30 * MB, p99: 60 * MB, max: 80 * MB, n: 500 } } : {}),
  };
  return { ...swe, memory: { ...swe.memory, excessBytes: excess } };
}

const pod: PodView = {
  ref: { namespace: 'ns', name: 'a' },
  key: 'ns/a',
  agentClass: 'swe',
  container: 'agent',
  qos: 'Burstable',
  requests: { memBytes: 128 * MiB, cpuCores: 0.2 },
  limits: { memBytes: 160 * MiB, cpuCores: 1 },
  resize: { phase: 'none' },
  running: true,
  startedAtMs: 0,
  restarts: 0,
};

/** Ten minutes idle at 100 MiB, ticked every 15 s; the last tick's recommendation. */
function idleLimit(opts: Partial<PredictiveOptions>, withHinted = true): ResizeRecommendation | undefined {
  const p = createPredictivePolicy({ riskBudget: 0.002, priors: new Map([['swe', prior(withHinted)]]), ...opts });
  const st = p.init();
  let last: ResizeRecommendation | undefined;
  for (let t = 15; t <= 600; t += 15) {
    const s: AgentSample = { pod: 'ns/a', tMs: t * 1000, memBytes: 100 * MiB, cpuCores: 0.1, agentClass: 'swe', toolCalls: 0, contextTokens: 1000 };
    const ctx = { nowMs: t * 1000, pods: [pod], scaledObjects: [] };
    p.observe(st, [s], ctx);
    const r = p.recommend(st, ctx).find((x): x is ResizeRecommendation => x.kind === 'resize');
    if (r) last = r;
  }
  return last;
}

test('counting on hints, an idle pod holds a lower limit, and the reason says why', () => {
  const plain = idleLimit({});
  const hinted = idleLimit({ hintLossRate: 0.05 });
  assert.ok(plain && hinted);
  assert.ok(hinted.limits.memBytes < plain.limits.memBytes, `hinted ${hinted.limits.memBytes} < unhinted ${plain.limits.memBytes}`);
  // A lost hint leaves the whole burst: at 5 % loss the limit still covers the idle tail's 96th percentile.
  assert.ok(hinted.limits.memBytes > 100 * MiB + 100 * MB, `${hinted.limits.memBytes}`);
  assert.match(hinted.reason, /idle, tool calls hinted \(0\.05 of hints lost\)/);
  assert.equal(hinted.inputs.hintLossRate, 0.05);
  assert.doesNotMatch(plain.reason, /hinted/);
  assert.equal(plain.inputs.hintLossRate, undefined);
});

test('hints count for nothing at loss 1, and a prior without idle~hinted knots keeps the idle tail', () => {
  const plain = idleLimit({});
  assert.deepEqual(idleLimit({ hintLossRate: 1 })?.limits, plain?.limits);
  assert.deepEqual(idleLimit({ hintLossRate: 0.05 }, false)?.limits, plain?.limits);
  // More loss, less trust: the limit grows with the loss rate.
  const lo = idleLimit({ hintLossRate: 0.01 })!.limits.memBytes;
  const hi = idleLimit({ hintLossRate: 0.2 })!.limits.memBytes;
  assert.ok(lo < hi, `${lo} < ${hi}`);
  assert.ok(hi <= (plain?.limits.memBytes ?? 0));
});
