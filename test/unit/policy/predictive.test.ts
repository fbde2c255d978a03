import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRng } from '../../../src/core/rng.js';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, DEFAULT_PREDICTIVE_OPTIONS, type PredictiveOptions } from '../../../src/policy/predictive/index.js';
import { REQUEST_RAISE_FRACTION } from '../../../src/policy/predictive/write-budget.js';

function podView(name: string, over: Partial<PodView> = {}): PodView {
  return {
    ref: { namespace: 'ns', name },
    key: `ns/${name}`,
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests: { memBytes: 512 * MiB, cpuCores: 0.5 },
    limits: { memBytes: 1 * GiB, cpuCores: 1 },
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
    ...over,
  };
}

const ctxOf = (nowMs: number, pods: PodView[]): PolicyContext => ({ nowMs, pods, scaledObjects: [] });

function sample(pod: string, tS: number, memBytes: number, extra: Partial<AgentSample> = {}): AgentSample {
  return { pod: `ns/${pod}`, tMs: tS * 1000, memBytes, cpuCores: 0.1, agentClass: 'swe', ...extra };
}

/** Feeds samples tick by tick (15 s) and returns the last tick's recommendations by pod. */
function run(opts: PredictiveOptions, pods: PodView[], samples: AgentSample[]): Map<string, ResizeRecommendation> {
  const p = createPredictivePolicy(opts);
  const st = p.init();
  const lastS = Math.max(0, ...samples.map((s) => s.tMs / 1000));
  let recs: ResizeRecommendation[] = [];
  for (let t = 15; t <= lastS + 15; t += 15) {
    const batch = samples.filter((s) => s.tMs > (t - 15) * 1000 && s.tMs <= t * 1000);
    const ctx = ctxOf(t * 1000, pods);
    p.observe(st, batch, ctx);
    recs = p.recommend(st, ctx).filter((r): r is ResizeRecommendation => r.kind === 'resize');
  }
  return new Map(recs.map((r) => [r.pod, r]));
}

function steady(pod: string, fromS: number, toS: number, mem: number, last?: Partial<AgentSample>): AgentSample[] {
  const out: AgentSample[] = [];
  for (let t = fromS; t <= toS; t += 15) out.push(sample(pod, t, mem, t + 15 > toS ? last : undefined));
  return out;
}

describe('predictive policy', () => {
  it('exports its defaults as plain numbers (the ConfigMap schema is derived from them)', () => {
    for (const v of Object.values(DEFAULT_PREDICTIVE_OPTIONS)) assert.equal(typeof v, 'number');
  });

  it('defaults ε to the disruption target: at most 0.5 expected OOM kills per 100 pod-hours', () => {
    const horizonsPer100PodHours = (100 * 3600) / DEFAULT_PREDICTIVE_OPTIONS.horizonS;
    assert.ok(DEFAULT_PREDICTIVE_OPTIONS.riskBudget * horizonsPer100PodHours <= 0.5, `ε ${DEFAULT_PREDICTIVE_OPTIONS.riskBudget} allows more`);
  });

  it('sizes a new pod with a too-small limit from its class prior, before any sample', () => {
    const pod = podView('new', { limits: { memBytes: 256 * MiB, cpuCores: 1 } });
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    p.observe(st, [], ctxOf(15000, [pod]));
    const [rec] = p.recommend(st, ctxOf(15000, [pod]));
    assert.ok(rec && rec.kind === 'resize');
    // swe prior: baseline 184 MB plus a burst tail reaching past the largest observed (+1.9 GB).
    assert.ok(rec.limits.memBytes > 2.0e9 && rec.limits.memBytes < 2.8e9, String(rec.limits.memBytes));
    assert.ok(Math.abs(rec.requests.memBytes - 184e6 * 1.05) < 1e6);
    assert.match(rec.reason, /new pod, class 'swe' prior/);
  });

  it('leaves a new pod alone when its limit already covers the start-up peak (waits for a sample)', () => {
    const pod = podView('new');
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    assert.deepEqual(p.recommend(st, ctxOf(15000, [pod])), []);
  });

  it('gives a pod with a test run in flight more headroom than an idle one', () => {
    const pods = [podView('busy'), podView('calm')];
    const samples = [...steady('busy', 5, 120, 200e6, { tool: 'Bash:test' }), ...steady('calm', 5, 120, 200e6)];
    const recs = run({ riskBudget: 0.05 }, pods, samples);
    const busy = recs.get('ns/busy');
    const calm = recs.get('ns/calm');
    assert.ok(busy && calm);
    assert.ok(busy.limits.memBytes > calm.limits.memBytes * 1.3, `${busy.limits.memBytes} vs ${calm.limits.memBytes}`);
    assert.ok(Number(busy.inputs['pBurst']) > 0);
    assert.match(busy.reason, /tool Bash:test in flight, p\(burst\) 0\.\d+/);
    assert.match(busy.reason, /ε=0\.05/);
  });

  it('keeps requests near expected usage and limits above it (an agent pod: the class tail carries the limit)', () => {
    // The pod exports agent series (context tokens), so the class's burst tail applies; a pod without
    // them gets the cold-start headroom bounded by its own baseline (memory-only.test.ts).
    const recs = run({ riskBudget: 0.002 }, [podView('a')], steady('a', 5, 600, 300e6, { contextTokens: 20_000 }));
    const r = recs.get('ns/a');
    assert.ok(r);
    assert.ok(Math.abs(r.requests.memBytes - 300e6 * 1.05) / 300e6 < 0.03, String(r.requests.memBytes));
    assert.ok(r.limits.memBytes > 1.5e9);
  });

  it('learns from older pods of the class: a big burst raises a newcomer’s headroom', () => {
    const base = (): AgentSample[] => steady('old', 5, 600, 200e6);
    const bursty = base().map((s, i) => (i % 4 === 2 ? { ...s, memBytes: 9e9, tool: 'Bash:test' } : s));
    const pods = [podView('old'), podView('newcomer')];
    const newcomer = steady('newcomer', 560, 600, 200e6);
    const plain = run({ riskBudget: 0.002 }, pods, [...base(), ...newcomer]).get('ns/newcomer');
    const learned = run({ riskBudget: 0.002 }, pods, [...bursty, ...newcomer]).get('ns/newcomer');
    assert.ok(plain && learned);
    assert.ok(learned.limits.memBytes > plain.limits.memBytes + 2e9, `${learned.limits.memBytes} vs ${plain.limits.memBytes}`);
  });

  it('after an OOM kill the limit rises past the one that killed (×1.2)', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const limit = 3 * GiB;
    let pod = podView('k', { limits: { memBytes: limit, cpuCores: 1 } });
    p.observe(st, [sample('k', 5, 200e6)], ctxOf(15000, [pod]));
    pod = { ...pod, restarts: 1, lastOomAtMs: 20000 };
    p.observe(st, [sample('k', 25, 150e6)], ctxOf(30000, [pod]));
    const [rec] = p.recommend(st, ctxOf(30000, [pod]));
    assert.ok(rec && rec.kind === 'resize');
    assert.ok(rec.limits.memBytes >= limit * 1.2 - 1, String(rec.limits.memBytes));
  });

  it('is deterministic: same samples, same recommendations', () => {
    const samples = [...steady('a', 5, 300, 250e6, { tool: 'Bash:test', contextTokens: 5000 }), ...steady('b', 5, 300, 400e6)];
    const pods = [podView('a'), podView('b')];
    assert.deepEqual([...run({ riskBudget: 0.01 }, pods, samples)], [...run({ riskBudget: 0.01 }, pods, samples)]);
  });

  it('never recommends a limit below the last observed usage, and keeps requests ≤ limits (property)', () => {
    const tools = [undefined, 'Bash:test', 'Read', 'Bash:pkg_install'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ mem: fc.double({ min: 1e6, max: 64e9, noNaN: true }), cpu: fc.double({ min: 0, max: 16, noNaN: true }), tool: fc.integer({ min: 0, max: 3 }), errs: fc.integer({ min: 0, max: 2 }), tokens: fc.option(fc.integer({ min: 0, max: 300000 })) }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom('swe', 'swe-limited', 'chat', 'unknown'),
        (steps, cls) => {
          const p = createPredictivePolicy({ riskBudget: 0.002 });
          const st = p.init();
          const pod = podView('x', { agentClass: cls });
          steps.forEach((s, i) => {
            const t = (i + 1) * 15000;
            const smp: AgentSample = { pod: 'ns/x', tMs: t - 5000, memBytes: s.mem, cpuCores: s.cpu, toolErrors: s.errs, ...(tools[s.tool] ? { tool: tools[s.tool] } : {}), ...(s.tokens !== null ? { contextTokens: s.tokens } : {}) };
            p.observe(st, [smp], ctxOf(t, [pod]));
            for (const r of p.recommend(st, ctxOf(t, [pod]))) {
              assert.ok(r.kind === 'resize');
              assert.ok(r.limits.memBytes >= s.mem * (1 + DEFAULT_PREDICTIVE_OPTIONS.usageMarginFraction) - 1, `limit ${r.limits.memBytes} < usage ${s.mem} + margin`);
              assert.ok(r.limits.cpuCores >= s.cpu, `cpu limit ${r.limits.cpuCores} < usage ${s.cpu}`);
              assert.ok(r.requests.memBytes <= r.limits.memBytes && r.requests.cpuCores <= r.limits.cpuCores, `requests ${JSON.stringify(r.requests)} > limits ${JSON.stringify(r.limits)}`);
              for (const v of [r.requests.memBytes, r.requests.cpuCores, r.limits.memBytes, r.limits.cpuCores]) assert.ok(Number.isFinite(v) && v > 0, `value ${v}`);
              const held = r.inputs['requestsHeld'] === true;
              // Idle: the request covers the usage, unless it is held where it is because usage is within
              // REQUEST_RAISE_FRACTION of it (a small raise would only pin the request's cooldown).
              const sticky = r.requests.memBytes === pod.requests.memBytes && s.mem < pod.requests.memBytes * (1 + REQUEST_RAISE_FRACTION);
              if (!tools[s.tool] && !held) assert.ok(r.requests.memBytes >= s.mem || r.requests.memBytes === r.limits.memBytes || sticky, `idle request ${r.requests.memBytes} < usage ${s.mem}`);
              if (held) assert.ok(r.requests.memBytes <= pod.requests.memBytes && r.requests.cpuCores <= pod.requests.cpuCores, `held requests ${JSON.stringify(r.requests)} moved`);
            }
          });
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('sends a needed limit raise alone, holding request increases for a later tick (Deferred-proof)', () => {
    const pod = podView('grow', { limits: { memBytes: 1 * GiB, cpuCores: 1 }, requests: { memBytes: 256 * MiB, cpuCores: 0.1 } });
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    p.observe(st, [sample('grow', 5, 600e6)], ctxOf(15000, [pod]));
    const [first] = p.recommend(st, ctxOf(15000, [pod]));
    assert.ok(first && first.kind === 'resize');
    assert.ok(first.limits.memBytes > 2 * GiB);
    assert.equal(first.requests.memBytes, 256 * MiB);
    assert.equal(first.inputs['requestsHeld'], true);
    // Once the limit is in place, the request follows.
    const raised = { ...pod, limits: first.limits, actualLimits: first.limits };
    p.observe(st, [sample('grow', 20, 600e6)], ctxOf(30000, [raised]));
    const [second] = p.recommend(st, ctxOf(30000, [raised]));
    assert.ok(second && second.kind === 'resize');
    assert.ok(second.requests.memBytes >= 600e6, String(second.requests.memBytes));
  });

  it('while a resize is Deferred, requests fall back to what was allocated so the limit can land', () => {
    const pod = podView('d', { requests: { memBytes: 256 * MiB, cpuCores: 0.1 }, limits: { memBytes: 1 * GiB, cpuCores: 1 } });
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    p.observe(st, [sample('d', 5, 600e6)], ctxOf(15000, [pod]));
    p.recommend(st, ctxOf(15000, [pod]));
    const deferred: PodView = { ...pod, requests: { memBytes: 700 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 }, actualLimits: pod.limits, resize: { phase: 'deferred', message: 'no room' } };
    p.observe(st, [sample('d', 20, 1.2e9)], ctxOf(30000, [deferred]));
    const [rec] = p.recommend(st, ctxOf(30000, [deferred]));
    assert.ok(rec && rec.kind === 'resize');
    assert.equal(rec.requests.memBytes, 256 * MiB);
    assert.ok(rec.limits.memBytes > 2 * GiB);
  });

  it('learns start-up peaks per class: after a pod is killed before its first sample, new pods start bigger', () => {
    const small = { memBytes: 512 * MiB, cpuCores: 1 };
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const first = podView('first', { limits: small });
    assert.deepEqual(p.recommend(st, ctxOf(15000, [first])), [], 'the prior says 512Mi covers a start-up');
    const killed = { ...first, restarts: 1, lastOomAtMs: 16000 };
    const second = podView('second', { limits: small });
    p.observe(st, [], ctxOf(30000, [killed, second]));
    const recs = p.recommend(st, ctxOf(30000, [killed, second]));
    const forSecond = recs.find((r) => r.kind === 'resize' && r.pod === 'ns/second');
    const forKilled = recs.find((r) => r.kind === 'resize' && r.pod === 'ns/first');
    assert.ok(forSecond && forSecond.kind === 'resize' && forSecond.limits.memBytes > 512 * MiB * 1.2);
    assert.ok(forKilled && forKilled.kind === 'resize' && forKilled.limits.memBytes >= 512 * MiB * 1.2);
    assert.match(forKilled.reason, /killed before its first sample/);
  });

  it('lets the data decide whether context explains memory, per pod (model in the pod vs outside)', () => {
    const samples: AgentSample[] = [];
    const rng = createRng(3);
    for (let i = 0; i < 60; i++) {
      const tokens = 20000 + i * 1500 + Math.round(rng.next() * 500);
      samples.push(sample('inpod', 5 + i * 15, 300e6 + 8192 * tokens + rng.normal() * 5e6, { contextTokens: tokens, agentClass: 'coding' }));
      samples.push(sample('remote', 5 + i * 15, 300e6 + rng.normal() * 5e6, { contextTokens: tokens, agentClass: 'coding' }));
    }
    const recs = run({ riskBudget: 0.002 }, [podView('inpod', { agentClass: 'coding' }), podView('remote', { agentClass: 'coding' })], samples);
    const inpod = Number(recs.get('ns/inpod')?.inputs['bytesPerToken']);
    const remote = Number(recs.get('ns/remote')?.inputs['bytesPerToken'] ?? 0);
    assert.ok(inpod > 5000 && inpod < 9000, `in-pod slope ${inpod}`);
    assert.ok(remote < inpod / 2, `remote slope ${remote}`);
    assert.ok(Number(recs.get('ns/inpod')?.inputs['contextGrowthBytes']) > 10e6);
  });

  it('forgets pods', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    p.observe(st, [sample('gone', 5, 1e8)], ctxOf(15000, [podView('gone')]));
    assert.equal(st.pods.size, 1);
    p.forget?.(st, 'ns/gone');
    assert.equal(st.pods.size, 0);
  });
});

describe('predictive requests', () => {
  it('do not rise for a burst a little above them, but do for usage well above them', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const pod = podView('r', { requests: { memBytes: 400 * MiB, cpuCores: 0.5 }, limits: { memBytes: 8 * GiB, cpuCores: 4 } });
    // A baseline of 380Mi under the 400Mi request, then one sample 2.5 % over it: a burst lifts the
    // baseline little, so the request stays (a baseline above the request is raised: predictive-budgets.test.ts).
    for (let i = 0; i < 4; i++) p.observe(st, [{ pod: 'ns/r', tMs: 10_000 + i * 15_000, memBytes: 380 * MiB, cpuCores: 0.1 }], ctxOf(15_000 + i * 15_000, [pod]));
    p.observe(st, [{ pod: 'ns/r', tMs: 70_000, memBytes: 410 * MiB, cpuCores: 0.1 }], ctxOf(75_000, [pod]));
    const small = p.recommend(st, ctxOf(75_000, [pod])).find((r) => r.kind === 'resize');
    if (small && small.kind === 'resize') assert.equal(small.requests.memBytes, 400 * MiB, 'a 2.5 % overshoot keeps the request');
    p.observe(st, [{ pod: 'ns/r', tMs: 85_000, memBytes: 700 * MiB, cpuCores: 0.1 }], ctxOf(90_000, [pod]));
    const big = p.recommend(st, ctxOf(90_000, [pod])).find((r) => r.kind === 'resize');
    assert.ok(big && big.kind === 'resize');
    assert.ok(big.requests.memBytes > 400 * MiB * (1 + REQUEST_RAISE_FRACTION), `request ${big.requests.memBytes / MiB}Mi`);
  });
});

describe('predictive refit', () => {
  it('reports what it refitted, takes in evidence the cache had not, and is idempotent', () => {
    const p = createPredictivePolicy({ riskBudget: 0.01 });
    const st = p.init();
    const pods = [podView('a'), podView('b')];
    const samples = [...steady('a', 5, 300, 250e6, { tool: 'Bash:test', contextTokens: 5000 }), ...steady('b', 5, 300, 400e6)];
    p.observe(st, samples, ctxOf(315_000, pods));
    p.recommend(st, ctxOf(315_000, pods));
    assert.deepEqual(p.refit?.(st, 315_000), { classes: 1, pods: 2 });
    const refitted = p.recommend(st, ctxOf(315_000, pods));
    p.refit?.(st, 315_000);
    assert.deepEqual(p.recommend(st, ctxOf(315_000, pods)), refitted, 'a second refit with no new evidence changes nothing');
  });
});
