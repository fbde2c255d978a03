// Writing applied in-place resizes of agent-sandbox pods back into the owning Sandbox's spec.podTemplate:
// only once the kubelet applied them, only when material, never into a warm pool's unclaimed Sandbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sandbox } from '../../../src/adapters/kube/agent-sandbox.js';
import { podToView } from '../../../src/adapters/kube/pod-to-view.js';
import { isSandboxPod, planWriteBacks, writeBackPatch } from '../../../src/adapters/kube/sandbox-writeback.js';
import type { PodView } from '../../../src/core/types.js';

const GiB = 2 ** 30;

/** A Sandbox pod as the informer holds it: spec and status agree unless `status` says otherwise. */
function sandboxPod(over: { requests?: Record<string, string>; limits?: Record<string, string>; statusLimits?: Record<string, string>; resizing?: boolean; owner?: string } = {}): PodView {
  const resources = { requests: over.requests ?? { cpu: '500m', memory: '1Gi' }, limits: over.limits ?? { cpu: '2', memory: '2Gi' } };
  const v = podToView(
    {
      metadata: {
        name: 'sb-1', namespace: 'agents', labels: {},
        ownerReferences: [{ apiVersion: 'agents.x-k8s.io/v1beta1', kind: over.owner ?? 'Sandbox', name: 'sb-1', uid: 'u-1', controller: true }],
      },
      spec: { containers: [{ name: 'agent', image: 'a', resources }] },
      status: {
        phase: 'Running', qosClass: 'Burstable',
        conditions: over.resizing ? [{ type: 'PodResizeInProgress', status: 'True' }] : [],
        containerStatuses: [{ name: 'agent', image: 'a', imageID: '', ready: true, restartCount: 0, state: { running: {} }, resources: { requests: resources.requests, limits: over.statusLimits ?? resources.limits } }],
      },
    },
    { agentClassLabel: 'c', defaultAgentClass: 'default' },
  );
  assert.ok(v.ok);
  return v.value;
}

function sandbox(resources: Record<string, unknown> | undefined, owner?: string): Sandbox {
  return {
    metadata: { name: 'sb-1', namespace: 'agents', uid: 'u-1', resourceVersion: '42', ...(owner ? { ownerReferences: [{ apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: owner, name: 'pool', uid: 'p', controller: true }] } : {}) },
    spec: { podTemplate: { spec: { containers: [{ name: 'sidecar' }, { name: 'agent', ...(resources ? { resources } : {}) }] } } },
  };
}

const template = { requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' } };

test('the pod view knows its Sandbox and what the kubelet applied', () => {
  const p = sandboxPod();
  assert.deepEqual(p.owner, { apiVersion: 'agents.x-k8s.io/v1beta1', kind: 'Sandbox', name: 'sb-1', uid: 'u-1' });
  assert.ok(isSandboxPod(p));
  assert.deepEqual(p.actualRequests, { cpuCores: 0.5, memBytes: GiB });
  assert.ok(!isSandboxPod(sandboxPod({ owner: 'ReplicaSet' })));
});

test('an applied resize is written into the right container, other resources kept, guarded by test ops', () => {
  const { writes, skipped } = planWriteBacks([sandboxPod()], [sandbox(template)], 0.1);
  assert.deepEqual(skipped, []);
  assert.equal(writes.length, 1);
  const w = writes[0]!;
  assert.equal(w.index, 1);
  assert.deepEqual(w.after, { requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': '1' } });
  assert.match(w.reason, /requests.memory 512Mi → 1Gi.*limits.cpu 1 → 2.*container agent/);
  assert.deepEqual(writeBackPatch(w), [
    { op: 'test', path: '/spec/podTemplate/spec/containers/1/name', value: 'agent' },
    { op: 'test', path: '/spec/podTemplate/spec/containers/1/resources', value: template },
    { op: 'add', path: '/spec/podTemplate/spec/containers/1/resources', value: w.after },
  ]);
  assert.equal(w.resourceVersion, '42');
});

test('no resources in the template: written, without a test of the absent value', () => {
  const { writes } = planWriteBacks([sandboxPod()], [sandbox(undefined)], 0.1);
  assert.equal(writes.length, 1);
  assert.deepEqual(writeBackPatch(writes[0]!).map((o) => (o as { op: string }).op), ['test', 'add']);
});

test('only material changes: within minChangeFraction of the template nothing is written', () => {
  const close = { requests: { cpu: '480m', memory: `${Math.round(1.05 * 1024)}Mi` }, limits: { cpu: '1900m', memory: '2Gi' } };
  assert.deepEqual(planWriteBacks([sandboxPod()], [sandbox(close)], 0.1).writes, []);
  assert.equal(planWriteBacks([sandboxPod()], [sandbox(close)], 0.01).writes.length, 1);
});

test('not yet applied by the kubelet (resize in progress, or status behind the spec): no write', () => {
  assert.deepEqual(planWriteBacks([sandboxPod({ resizing: true })], [sandbox(template)], 0.1).writes, []);
  assert.deepEqual(planWriteBacks([sandboxPod({ statusLimits: { cpu: '1', memory: '1Gi' } })], [sandbox(template)], 0.1).writes, []);
});

test('an unclaimed warm-pool Sandbox and a template without the container are skipped with a reason', () => {
  const pool = planWriteBacks([sandboxPod()], [sandbox(template, 'SandboxWarmPool')], 0.1);
  assert.deepEqual(pool.writes, []);
  assert.match(pool.skipped[0]!.reason, /still in SandboxWarmPool pool/);
  const other = { ...sandbox(template), spec: { podTemplate: { spec: { containers: [{ name: 'main' }] } } } } as Sandbox;
  assert.match(planWriteBacks([sandboxPod()], [other], 0.1).skipped[0]!.reason, /no container 'agent'/);
});

test('a Sandbox not in the cache, or re-created under the same name (other uid): nothing yet', () => {
  assert.deepEqual(planWriteBacks([sandboxPod()], [], 0.1), { writes: [], skipped: [] });
  const recreated = { ...sandbox(template), metadata: { ...sandbox(template).metadata, uid: 'u-2' } } as Sandbox;
  assert.deepEqual(planWriteBacks([sandboxPod()], [recreated], 0.1).writes, []);
});
