// The admission webhook's decision (admission-review.ts): the JSON patch it answers, QoS kept, and every
// way it declines (no opinion, standby, dryRun, bad review, admit() throwing) is allowed and unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMISSION_ANNOTATION, decideAdmission, type AdmissionContext } from '../../../src/adapters/kube/admission-review.js';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AdmissionRequest, AdmissionResponse } from '../../../src/policy/policy.js';
import { createPredictivePolicy } from '../../../src/policy/predictive/index.js';

const NS = 'agents';

function podReview(over: { resources?: object; annotations?: Record<string, string>; namespace?: string; containers?: object[]; operation?: string } = {}): Record<string, unknown> {
  const resources = over.resources ?? { requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '1', memory: '2Gi' } };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: over.operation ?? 'CREATE',
      namespace: over.namespace ?? NS,
      object: {
        metadata: { generateName: 'swe-', labels: { 'burstguard.io/agent-class': 'swe' }, ...(over.annotations ? { annotations: over.annotations } : {}) },
        spec: { containers: over.containers ?? [{ name: 'sidecar', resources: {} }, { name: 'agent', image: 'x', resources }] },
      },
    },
  };
}

const answer: AdmissionResponse = { requests: { memBytes: 300 * MiB, cpuCores: 0.1 }, limits: { memBytes: 3 * GiB, cpuCores: 1.5 }, reason: 'predictive admission: test' };

function ctx(over: Partial<AdmissionContext> = {}, admit: AdmissionContext['admit'] = () => answer): AdmissionContext {
  // `admit` in `over` wins, also when it is undefined (a policy without admit()).
  return { namespace: NS, agentClassLabel: 'burstguard.io/agent-class', container: 'agent', leading: true, dryRun: false, admit, policyName: 'predictive', ...over };
}

interface Answered {
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string; warnings?: string[] };
}
const responseOf = (review: Record<string, unknown>): Answered['response'] => (review as unknown as Answered).response;
const patchOf = (review: Record<string, unknown>): Array<{ op: string; path: string; value: unknown }> => {
  const p = responseOf(review).patch;
  return p === undefined ? [] : (JSON.parse(Buffer.from(p, 'base64').toString('utf8')) as Array<{ op: string; path: string; value: unknown }>);
};

describe('decideAdmission', () => {
  it('patches the configured container to admit()’s resources, keeps other resources, and notes the reason', () => {
    let seen: AdmissionRequest | undefined;
    const d = decideAdmission(podReview(), ctx({}, (r) => ((seen = r), answer)));
    assert.equal(d.outcome, 'patched');
    assert.deepEqual(seen, { key: `${NS}/swe-*`, agentClass: 'swe', requests: { memBytes: 512 * MiB, cpuCores: 0.25 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } });
    const r = responseOf(d.review);
    assert.equal(r.uid, 'u-1');
    assert.equal(r.allowed, true);
    assert.equal(r.patchType, 'JSONPatch');
    assert.deepEqual(patchOf(d.review), [
      { op: 'add', path: '/spec/containers/1/resources', value: { requests: { cpu: '100m', memory: '300Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '1500m', memory: '3Gi' } } },
      { op: 'add', path: '/metadata/annotations', value: { [ADMISSION_ANNOTATION]: 'set agent 300Mi/3Gi memory, 100m/1500m cpu: predictive admission: test' } },
    ]);
    assert.match(r.warnings?.[0] ?? '', /^burstguard: set agent 300Mi\/3Gi memory, 100m\/1500m cpu$/);
  });

  it('adds into existing annotations with the key escaped as a JSON pointer', () => {
    const d = decideAdmission(podReview({ annotations: { a: 'b' } }), ctx());
    assert.deepEqual(patchOf(d.review)[1], { op: 'add', path: '/metadata/annotations/burstguard.io~1admission', value: 'set agent 300Mi/3Gi memory, 100m/1500m cpu: predictive admission: test' });
  });

  it('without a configured container, sizes the one the pod annotation names, else the first', () => {
    const byAnnotation = decideAdmission(podReview({ annotations: { 'burstguard.io/container': 'agent' } }), ctx({ container: '' }));
    assert.equal(patchOf(byAnnotation.review)[0]?.path, '/spec/containers/1/resources');
    const first = decideAdmission(podReview({ containers: [{ name: 'only', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } } }] }), ctx({ container: '' }));
    assert.equal(patchOf(first.review)[0]?.path, '/spec/containers/0/resources');
  });

  it('keeps QoS: a Guaranteed template stays Guaranteed with the real policy, and an answer that would change the class is refused', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const guaranteed = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } };
    const d = decideAdmission(podReview({ resources: guaranteed }), ctx({}, (r) => p.admit?.(st, r, 0)));
    assert.equal(d.outcome, 'patched', d.reason);
    const set = patchOf(d.review)[0]?.value as { requests: Record<string, string>; limits: Record<string, string> };
    assert.deepEqual(set.requests, set.limits, 'requests = limits');
    const burstable = decideAdmission(podReview(), ctx({}, (r) => p.admit?.(st, r, 0)));
    assert.equal(burstable.outcome, 'patched', burstable.reason);
    const b = patchOf(burstable.review)[0]?.value as { requests: Record<string, string>; limits: Record<string, string> };
    assert.notDeepEqual({ cpu: b.requests.cpu, memory: b.requests.memory }, { cpu: b.limits.cpu, memory: b.limits.memory }, 'still Burstable');
    const toGuaranteed = decideAdmission(podReview(), ctx({}, () => ({ requests: answer.limits, limits: answer.limits, reason: 'x' })));
    assert.equal(toGuaranteed.outcome, 'error');
    assert.match(toGuaranteed.reason, /would turn a Burstable container Guaranteed/);
    assert.equal(responseOf(toGuaranteed.review).patch, undefined);
  });

  it('a template without limits: the real policy has no opinion; allowed, no patch', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const d = decideAdmission(podReview({ resources: { requests: { cpu: '250m', memory: '512Mi' } } }), ctx({}, (r) => p.admit?.(st, r, 0)));
    assert.equal(d.outcome, 'no-opinion');
    assert.deepEqual(responseOf(d.review), { uid: 'u-1', allowed: true });
  });

  it('a policy without admit(), a standby, dryRun and another namespace all allow the pod unchanged, saying why', () => {
    const none = decideAdmission(podReview(), ctx({ policyName: 'reactive', admit: undefined }));
    assert.equal(none.outcome, 'no-opinion');
    assert.match(none.reason, /policy 'reactive' does not size pods/);
    const standby = decideAdmission(podReview(), ctx({ leading: false }));
    assert.equal(standby.outcome, 'standby');
    assert.deepEqual(responseOf(standby.review), { uid: 'u-1', allowed: true, warnings: ['burstguard: admitted unchanged (answered by a standby replica)'] });
    const dry = decideAdmission(podReview(), ctx({ dryRun: true }));
    assert.equal(dry.outcome, 'dry-run');
    assert.equal(responseOf(dry.review).patch, undefined);
    assert.match(responseOf(dry.review).warnings?.[0] ?? '', /dryRun\): would set agent 300Mi\/3Gi/);
    const other = decideAdmission(podReview({ namespace: 'elsewhere' }), ctx());
    assert.equal(other.outcome, 'not-ours');
    assert.equal(responseOf(other.review).patch, undefined);
    const update = decideAdmission(podReview({ operation: 'UPDATE' }), ctx());
    assert.equal(update.outcome, 'not-ours');
  });

  it('a bad review, a bad pod, a malformed quantity, a missing container, admit() throwing or answering nonsense: allowed unchanged, as an error', () => {
    const cases: Array<[unknown, AdmissionContext, RegExp]> = [
      [undefined, ctx(), /not an AdmissionReview v1/],
      [{ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'u-1' } }, ctx(), /not an AdmissionReview v1/],
      [podReview({ containers: [] }), ctx(), /the review's pod/],
      [podReview({ resources: { limits: { cpu: 'lots', memory: '2Gi' } } }), ctx(), /malformed cpu quantity 'lots'/],
      [podReview(), ctx({ container: 'missing' }), /no container named 'missing'/],
      [podReview(), ctx({}, () => { throw new Error('boom'); }), /admit\(\) failed: boom/],
      [podReview(), ctx({}, () => ({ ...answer, requests: { memBytes: 4 * GiB, cpuCores: 0.1 } })), /memory request above its limit/],
      [podReview(), ctx({}, () => ({ ...answer, limits: { memBytes: Number.NaN, cpuCores: 1 } })), /memory limit of NaN/],
    ];
    for (const [body, c, why] of cases) {
      const d = decideAdmission(body, c);
      assert.equal(d.outcome, 'error', d.reason);
      assert.match(d.reason, why);
      const r = responseOf(d.review);
      assert.equal(r.allowed, true);
      assert.equal(r.patch, undefined);
    }
    assert.equal(responseOf(decideAdmission(podReview({ containers: [] }), ctx()).review).uid, 'u-1', 'the uid is echoed whenever there is one');
  });
});
