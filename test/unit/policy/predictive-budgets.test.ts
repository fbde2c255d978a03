// The node risk budget and the write budget of the predictive policy: pure functions, table-driven.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, type PredictiveOptions } from '../../../src/policy/predictive/index.js';
import { nodeBudget, type BudgetPod } from '../../../src/policy/predictive/node-budget.js';
import { siblingOomRides } from '../../../src/policy/predictive/recommend.js';
import { hasToken, materialChanges, noteWrites, tickCut, type MaterialityContext, type WriteAccount } from '../../../src/policy/predictive/write-budget.js';

const node = { capacity: 10_000, epsNode: 1e-3 };
const s = 2e-3; // budget = C − ln(1000)/s ≈ 6546
const budget = node.capacity - Math.log(1 / node.epsNode) / s;
const pod = (key: string, alphaNow: number, alphaNext: number, inTool = false, lowersRequest = false): BudgetPod => ({ key, alphaNow, alphaNext, inTool, lowersRequest });

describe('node risk budget', () => {
  it('lets everything through while the node stays within ε_node', () => {
    const v = nodeBudget([pod('a', 1000, 1500), pod('b', 2000, 2000, false, true)], node, s, budget);
    assert.equal(v.over, false);
    assert.equal(v.heldRaises.size + v.heldDecreases.size, 0);
    assert.ok(v.overflow <= node.epsNode);
    assert.equal(v.alphaSum, 3500);
  });
  it('over budget: the in-tool raise goes, idle raises that do not fit wait, request decreases are held', () => {
    const v = nodeBudget([pod('tool', 2000, 3500, true), pod('idle', 2000, 3000), pod('quiet', 1000, 1000, false, true)], node, s, budget);
    assert.equal(v.over, true);
    assert.deepEqual([...v.heldRaises], ['idle']);
    assert.deepEqual([...v.heldDecreases], ['quiet']);
    assert.equal(v.alphaSum, 3500 + 2000 + 1000);
  });
  it('over budget: idle raises that still fit go, smallest first', () => {
    const v = nodeBudget([pod('big', 1000, 3000), pod('small', 1000, 1500), pod('x', 3000, 3000)], node, s, budget);
    assert.ok(v.over);
    assert.ok(!v.heldRaises.has('small'));
    assert.ok(v.heldRaises.has('big'));
  });
  it('in-tool raises go even when the node is already past its budget, and the reason can say by how much', () => {
    const v = nodeBudget([pod('t', 6000, 7000, true)], node, s, budget);
    assert.equal(v.heldRaises.size, 0);
    assert.ok(v.overflow > node.epsNode);
  });
});

function view(over: Partial<PodView> = {}): PodView {
  return {
    ref: { namespace: 'ns', name: 'p' },
    key: 'ns/p',
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests: { memBytes: 512 * MiB, cpuCores: 0.25 },
    limits: { memBytes: 2 * GiB, cpuCores: 1 },
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
    ...over,
  };
}
const ctx = (over: Partial<MaterialityContext> = {}): MaterialityContext => ({
  usageBytes: 300 * MiB,
  usageMargin: 0.1,
  cpuCores: 0.1,
  riskAtCurrent: 0,
  eps: 0.002,
  ageS: 3600,
  worthNodeSeconds: 15,
  node: { memBytes: 14 * GiB, cpuCores: 4 },
  ...over,
});
const same = { memRequest: 512 * MiB, memLimit: 2 * GiB, cpuRequest: 0.25, cpuLimit: 1 };

describe('materiality', () => {
  const cases: Array<{ name: string; t: Partial<typeof same>; c?: Partial<MaterialityContext>; write: boolean; urgent?: boolean }> = [
    { name: 'nothing changes', t: {}, write: false },
    { name: 'a limit that could come down 20 % (costs no node)', t: { memLimit: 1.6 * GiB }, write: false },
    { name: 'a limit far above its target, alone (a lower limit buys no node)', t: { memLimit: 1 * GiB }, write: false },
    { name: 'a higher limit the model says is not needed at ε', t: { memLimit: 2.3 * GiB }, c: { riskAtCurrent: 0.003 }, write: false },
    { name: 'a higher limit when the current one risks several ε', t: { memLimit: 2.3 * GiB }, c: { riskAtCurrent: 0.01 }, write: true, urgent: true },
    { name: 'a limit the pod runs close to', t: { memLimit: 2.1 * GiB }, c: { usageBytes: 1.9 * GiB }, write: true, urgent: true },
    { name: 'a request 10 % lower', t: { memRequest: 460 * MiB }, write: false },
    { name: 'a request 40 % lower on an hour-old pod', t: { memRequest: 300 * MiB }, write: true },
    { name: 'a request 40 % lower on a 30 s old pod (Lindy: little time left to save)', t: { memRequest: 300 * MiB }, c: { ageS: 30 }, write: false },
    { name: 'a request 30 % higher (node pricing)', t: { memRequest: 670 * MiB }, write: true },
    { name: 'a request 10 % higher while the pod is at its baseline, below the price', t: { memRequest: 563 * MiB }, c: { baseBytes: 500 * MiB }, write: false },
    { name: 'a request 10 % higher for a pod whose baseline has grown past the request (eviction order, node sum)', t: { memRequest: 563 * MiB }, c: { baseBytes: 540 * MiB }, write: true, urgent: false },
    { name: 'a CPU request 0.25 → 0.5 core, alone (6 % of a 4-core node: costs nodes, buys no safety)', t: { cpuRequest: 0.5 }, write: false },
    { name: 'a CPU request 0.25 → 0.75 core, alone (12.5 % of the node)', t: { cpuRequest: 0.75 }, write: true },
    { name: 'a CPU request 0.25 → 0.5 core with a material memory request raise', t: { cpuRequest: 0.5, memRequest: 670 * MiB }, write: true },
    { name: 'a CPU request 0.25 → 0.5 core, node unknown (the relative rule)', t: { cpuRequest: 0.5 }, c: { node: undefined }, write: true },
    { name: 'a CPU limit raise for a pod not pressing on it', t: { cpuLimit: 4 }, write: false },
    { name: 'a CPU limit raise for a pod pressing on it', t: { cpuLimit: 4 }, c: { cpuCores: 0.95 }, write: true },
  ];
  for (const c of cases) {
    it(`${c.write ? 'writes' : 'does not write'}: ${c.name}`, () => {
      const m = materialChanges(view(), { ...same, ...c.t }, ctx(c.c));
      assert.equal(m !== undefined, c.write, JSON.stringify(m));
      if (m && c.urgent !== undefined) assert.equal(m.urgent, c.urgent);
      if (m) assert.ok(m.targets.memRequest <= m.targets.memLimit && m.targets.cpuRequest <= m.targets.cpuLimit);
    });
  }
  it('a pod pressing its CPU limit gets a material raise although its censored usage forecasts the limit itself', () => {
    // Throttled usage never shows above the limit: 0.95 of a 1-core limit forecasts ~1.05 cores, a 5 % step.
    const m = materialChanges(view(), { ...same, cpuLimit: 1.05 }, ctx({ cpuCores: 0.95 }));
    assert.ok(m);
    assert.equal(m.targets.cpuLimit, 1.5);
    assert.equal(m.urgent, true, 'throttled now: not held by the per-pod write budget');
    assert.equal(materialChanges(view(), { ...same, cpuLimit: 1.05 }, ctx({ cpuCores: 0.5 })), undefined, 'not pressing: no write');
  });
  it('a small CPU request raise rides with a memory-limit raise that goes anyway', () => {
    const m = materialChanges(view(), { ...same, cpuRequest: 0.5, memLimit: 2.3 * GiB }, ctx({ riskAtCurrent: 0.01 }));
    assert.ok(m && m.urgent);
    assert.equal(m.targets.cpuRequest, 0.5);
    assert.equal(materialChanges(view(), { ...same, cpuRequest: 0.5 }, ctx()), undefined);
  });
  it('a limit far above its target comes down with a write that goes anyway', () => {
    const m = materialChanges(view(), { ...same, memRequest: 300 * MiB, memLimit: 1 * GiB }, ctx());
    assert.ok(m);
    assert.equal(m.targets.memLimit, 1 * GiB);
  });
  it('a protecting raise carries a request decrease however young the pod', () => {
    const m = materialChanges(view(), { ...same, memRequest: 300 * MiB, memLimit: 2.3 * GiB }, ctx({ riskAtCurrent: 0.01, ageS: 10 }));
    assert.ok(m && m.urgent);
    assert.equal(m.targets.memRequest, 300 * MiB);
  });
  it('keeps immaterial values where they are when something else is written', () => {
    const m = materialChanges(view(), { ...same, memRequest: 300 * MiB, memLimit: 1.8 * GiB }, ctx());
    assert.ok(m);
    assert.equal(m.targets.memLimit, 2 * GiB);
    assert.equal(m.targets.memRequest, 300 * MiB);
  });
});

describe('write budget', () => {
  const o = { maxWritesPerPodHour: 6, writeBurst: 3, maxWritesPerTick: 2 };
  it('a pod spends a token per spec change and earns 6 an hour, at most 3 saved', () => {
    const acc = new Map<string, WriteAccount>();
    let p = view();
    noteWrites(acc, p, 0, o);
    for (let i = 1; i <= 3; i++) {
      p = view({ requests: { memBytes: (512 - i) * MiB, cpuCores: 0.25 } });
      noteWrites(acc, p, i * 1000, o);
    }
    const a = noteWrites(acc, p, 4000, o);
    assert.ok(!hasToken(a), `tokens ${a.tokens}`);
    // Ten minutes later one token is back (6 an hour).
    assert.ok(hasToken(noteWrites(acc, p, 4000 + 600_000, o)));
    // After a day the bucket is full, not more.
    assert.equal(noteWrites(acc, p, 86_400_000, o).tokens, 3);
  });
  it('over a simulated hour of a pod that wants a write every tick, at most burst + 6 writes go', () => {
    const acc = new Map<string, WriteAccount>();
    let writes = 0;
    let mem = 512 * MiB;
    for (let t = 0; t <= 3_600_000; t += 15_000) {
      const a = noteWrites(acc, view({ requests: { memBytes: mem, cpuCores: 0.25 } }), t, o);
      if (hasToken(a)) {
        mem -= MiB; // the write lands: the next tick sees the new spec
        writes++;
      }
    }
    assert.ok(writes <= 3 + 6 + 1, `writes ${writes}`);
    assert.ok(writes >= 6, `writes ${writes}`);
  });
  it('the tick cap lets protecting raises all go, then the largest other changes', () => {
    const go = tickCut(
      [
        { urgent: false, weight: 0.1 },
        { urgent: true, weight: 0 },
        { urgent: false, weight: 0.5 },
        { urgent: true, weight: 0 },
        { urgent: false, weight: 0.3 },
      ],
      3,
    );
    assert.deepEqual([...go].sort(), [1, 2, 3]);
  });
});

describe('predictive policy: requests priced by the node', () => {
  const samples = (n: number): AgentSample[] => Array.from({ length: n }, (_, i) => ({ pod: 'ns/p', tMs: (i + 1) * 15_000 - 5000, memBytes: 200e6, cpuCores: 0.05, agentClass: 'swe' }));
  function lastRec(opts: Partial<PredictiveOptions>, pod: PodView): ResizeRecommendation | undefined {
    const p = createPredictivePolicy({ riskBudget: 0.002, ...opts });
    const st = p.init();
    let rec: ResizeRecommendation | undefined;
    samples(240).forEach((s, i) => {
      const ctx = { nowMs: (i + 1) * 15_000, pods: [pod], scaledObjects: [] };
      p.observe(st, [s], ctx);
      for (const r of p.recommend(st, ctx)) if (r.kind === 'resize') rec = r;
    });
    return rec;
  }
  it('on a known node the memory request is the effective memory, and the reason names it and the node budget', () => {
    const rec = lastRec({}, view({ nodeName: 'n1', nodeAllocatable: { memBytes: 8 * GiB, cpuCores: 4 } }));
    assert.ok(rec);
    assert.match(rec.reason, /effective memory α \S+ × [\d.]+ on a 8Gi node, ε_node 0\.001/);
    assert.match(rec.reason, /node n1: Σα \S+ of budget \S+ \(C 8Gi, ε_node 0\.001\), P\(overflow\) ≤/);
    assert.ok(typeof rec.inputs['effectiveMemBytes'] === 'number');
    // Between the mean usage and the pod's limit.
    assert.ok(rec.requests.memBytes > 200e6 && rec.requests.memBytes < rec.limits.memBytes);
  });
  it('with the node size from the ConfigMap when the view does not report it', () => {
    const rec = lastRec({ nodeMemBytes: 8 * GiB, nodeCpuCores: 4 }, view());
    assert.ok(rec);
    assert.match(rec.reason, /on a 8Gi node/);
  });
  it('without a node size, requests follow expected usage as before', () => {
    const rec = lastRec({}, view());
    assert.ok(rec);
    assert.doesNotMatch(rec.reason, /effective memory/);
  });
});

describe("a sibling's OOM kill: its share of the limit rides with a write that goes anyway (recommend.ts siblingOomRides)", () => {
  it('alone, a limit raise held up by a sibling kill is no write', () => {
    assert.equal(materialChanges(view(), { ...same, memLimit: 3 * GiB }, ctx({ carryLimitUp: true })), undefined);
  });
  it('with a material request raise, the limit goes up with it', () => {
    const m = materialChanges(view(), { ...same, memRequest: 700 * MiB, memLimit: 3 * GiB }, ctx({ carryLimitUp: true }));
    assert.ok(m);
    assert.equal(m.targets.memLimit, 3 * GiB);
    assert.ok(m.fields.includes("memory limit up (carried: a sibling's OOM kill)"), m.fields.join(', '));
    assert.equal(m.urgent, false);
  });
  it('without the carry, the same request raise leaves the limit where it is', () => {
    const m = materialChanges(view(), { ...same, memRequest: 700 * MiB, memLimit: 3 * GiB }, ctx());
    assert.equal(m?.targets.memLimit, 2 * GiB);
  });
  it("the pod's own model risk still raises it at once", () => {
    const m = materialChanges(view(), { ...same, memLimit: 3 * GiB }, ctx({ carryLimitUp: true, riskAtCurrent: 0.01 }));
    assert.equal(m?.urgent, true);
  });
  it("only a sibling's kill rides; the killed pod's own and other evidence do not", () => {
    assert.equal(siblingOomRides({ binding: 'oom-memory', oomSource: 'class' }), true);
    assert.equal(siblingOomRides({ binding: 'oom-memory', oomSource: 'own' }), false);
    assert.equal(siblingOomRides({ binding: 'pod-burst', oomSource: 'class' }), false);
    assert.equal(siblingOomRides({ binding: 'model', oomSource: 'none' }), false);
  });
});
