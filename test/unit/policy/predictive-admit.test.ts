// Predictive admission (admit.ts): the resources a pod is created with, from its class alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { AdmissionRequest, PolicyContext } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { ADMIT_WARM_OUTCOMES, templateCovers } from '../../../src/policy/predictive/admit.js';
import { classPricing, effectiveMemRequest } from '../../../src/policy/predictive/effective-request.js';
import { classModel, classPacking, type PredictiveState } from '../../../src/policy/predictive/state.js';
import { agentPodView } from './agent-pod-view.js';

const template = { requests: { memBytes: 512 * MiB, cpuCores: 0.25 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } };
const req = (over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({ key: 'ns/new', agentClass: 'swe', ...template, ...over });
const node = { memBytes: 8 * GiB, cpuCores: 4 };

const view = (key: string): PodView => agentPodView(key, { ...template, nodeAllocatable: node });

/** `pods` pods of class swe, idle at ~`mem` bytes with small bursts, observed for `minutes`. */
function warm(pods: number, minutes: number, mem: number): { p: ReturnType<typeof createPredictivePolicy>; st: PredictiveState } {
  const p = createPredictivePolicy({ riskBudget: 0.002 });
  const st = p.init();
  const views = Array.from({ length: pods }, (_, i) => view(`ns/p${i}`));
  for (let k = 1; k <= minutes * 4; k++) {
    const tMs = k * 15_000;
    const samples: AgentSample[] = views.map((v, i) => ({ pod: v.key, tMs, memBytes: mem + ((k + i) % 7 === 0 ? 40 * MiB : 0), cpuCores: 0.05, agentClass: 'swe' }));
    const ctx: PolicyContext = { nowMs: tMs, pods: views, scaledObjects: [] };
    p.observe(st, samples, ctx);
  }
  return { p, st };
}

describe('predictive admit()', () => {
  it('a cold class keeps the template memory request, sizes the limit for its start-up and burst, and keeps QoS', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const r = p.admit?.(st, req(), 0);
    assert.ok(r, 'a pod with limits is sized');
    assert.equal(r.requests.memBytes, template.requests.memBytes, 'no class evidence: the template request stands');
    assert.ok(r.limits.memBytes >= r.requests.memBytes && r.limits.cpuCores >= r.requests.cpuCores, 'requests ≤ limits');
    assert.ok(r.requests.memBytes < r.limits.memBytes, 'Burstable stays Burstable');
    assert.ok(r.requests.cpuCores > 0);
    assert.match(r.reason, /the class has 0 of/);
  });

  it('a cold class is admitted at its price when that is below the template (no pod waits for the class to warm at the template)', () => {
    const { p, st } = warm(20, 2, 180 * MiB);
    const o = resolvePredictiveOptions({ riskBudget: 0.002 });
    const cm = classModel(st, 'swe', o);
    assert.ok(cm.folds > 0 && cm.folds < ADMIT_WARM_OUTCOMES, `cold but with evidence: ${cm.folds} outcomes`);
    const r = p.admit?.(st, req(), 120_000);
    assert.ok(r);
    const price = effectiveMemRequest(classPricing(st.pricing, cm, st.cpuUsage.get('swe'), node, o), 180 * MiB);
    assert.ok(price < template.requests.memBytes, `the price ${Math.round(price / MiB)}Mi is below the template`);
    assert.ok(r.requests.memBytes < template.requests.memBytes, 'below the template');
    assert.ok(r.requests.memBytes >= 180 * MiB, 'never below what the pods use at rest');
  });

  it('a cold class whose pods use more than the template’s request is admitted at its price, not at the template', () => {
    // Pods at 900Mi against a 512Mi template: the template is no ceiling there (templateCovers), and a pod
    // admitted at the usage floor would get no margin for the node's sum (its first tick's raise Deferred).
    const { p, st } = warm(8, 2, 900 * MiB);
    const o = resolvePredictiveOptions({ riskBudget: 0.002 });
    const cm = classModel(st, 'swe', o);
    assert.ok(cm.folds > 0 && cm.folds < ADMIT_WARM_OUTCOMES, `cold: ${cm.folds} outcomes`);
    const r = p.admit?.(st, req(), 120_000);
    assert.ok(r);
    const bases = [...st.pods.values()].map((t) => t.base).sort((x, y) => x - y);
    const typicalBase = ((bases[3] ?? 0) + (bases[4] ?? 0)) / 2; // the median of 8
    const price = Math.min(effectiveMemRequest(classPricing(st.pricing, cm, st.cpuUsage.get('swe'), node, o, classPacking(st, 'swe')), typicalBase), r.limits.memBytes);
    assert.ok(price > 900 * MiB, 'the price carries a margin over the usage');
    assert.ok(Math.abs(r.requests.memBytes - price) < 1 * MiB, `admitted at the price ${Math.round(price / MiB)}Mi, got ${Math.round(r.requests.memBytes / MiB)}Mi`);
    assert.doesNotMatch(r.reason, /the lower of the template/);
  });

  it('templateCovers: the template bounds a cold class only while it covers the class’s usage', () => {
    assert.equal(templateCovers(512 * MiB, 300 * MiB), true);
    assert.equal(templateCovers(512 * MiB, 512 * MiB), true);
    assert.equal(templateCovers(512 * MiB, 700 * MiB), false);
  });

  it('a warm class prices the request as its typical pod’s effective memory on the node the pods run on', () => {
    const { p, st } = warm(20, 10, 300 * MiB);
    const cm = classModel(st, 'swe', resolvePredictiveOptions({ riskBudget: 0.002 }));
    assert.ok(cm.folds >= ADMIT_WARM_OUTCOMES, `warm: ${cm.folds} outcomes`);
    const r = p.admit?.(st, req(), 10 * 60_000);
    assert.ok(r);
    const o = resolvePredictiveOptions({ riskBudget: 0.002 });
    const pricing = classPricing(st.pricing, cm, st.cpuUsage.get('swe'), node, o, classPacking(st, 'swe'));
    const bases = [...st.pods.values()].map((t) => t.base).sort((a, b) => a - b);
    const typicalBase = ((bases[9] ?? 0) + (bases[10] ?? 0)) / 2; // the median of 20
    assert.ok(Math.abs(r.requests.memBytes - Math.min(effectiveMemRequest(pricing, typicalBase), r.limits.memBytes)) < 1 * MiB, 'effective memory of the typical baseline');
    assert.ok(r.requests.memBytes >= typicalBase, 'never below what the class’s pods use at rest');
    assert.ok(r.limits.memBytes >= 300 * MiB + 40 * MiB, 'the limit covers the bursts seen');
    assert.match(r.reason, /effective memory on a 8Gi node/);
    assert.match(r.reason, /start-up share q [\d.]+, pods move in groups of G [\d.]+/);
    assert.match(r.reason, /median of 20 live pods/);
  });

  it('leaves a template without limits alone (setting limits would change the pod’s QoS)', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    assert.equal(p.admit?.(p.init(), req({ limits: { memBytes: 0, cpuCores: 0 } }), 0), undefined);
  });

  it('a Guaranteed template stays Guaranteed', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const g = { memBytes: 1 * GiB, cpuCores: 0.5 };
    const r = p.admit?.(p.init(), req({ requests: g, limits: g }), 0);
    assert.ok(r);
    assert.deepEqual(r.requests, r.limits);
  });
});
