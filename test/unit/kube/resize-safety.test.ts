// Resize safety, before any PATCH: runtime classes that cannot resize, static CPU/memory managers,
// node swap (pods skipped with a reason the skipped-pods metric labels), and resizePolicy memory
// restarts (refused by default; when allowed, the restart is said in the reason).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { podToView } from '../../../src/adapters/kube/pod-to-view.js';
import { ResizeActuator } from '../../../src/adapters/kube/resize-actuator.js';
import { defaultConfig } from '../../../src/config/index.js';
import type { ResizeSafetyConfig } from '../../../src/config/resize-safety-schema.js';
import { reasonLabel } from '../../../src/telemetry/metrics.js';
import { FakePodApi } from './fake-pod-api.js';
import { makePod, resizeAction } from './fixtures.js';

const signal = new AbortController().signal;
const defaults = defaultConfig().resizeSafety;
const view = (pod: V1Pod, safety: Partial<ResizeSafetyConfig> = {}): ReturnType<typeof podToView> =>
  podToView(pod, { agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default', safety: { ...defaults, ...safety } });

function withRuntimeClass(name: string): V1Pod {
  const p = makePod();
  p.spec = { ...p.spec!, runtimeClassName: name };
  return p;
}

const guaranteed = (cpu: string): V1Pod => makePod({ requests: { cpu, memory: '1Gi' }, limits: { cpu, memory: '1Gi' }, qosClass: 'Guaranteed' });

test('the defaults: gVisor, Kata and peer pods cannot resize; the node-level checks are off', () => {
  for (const rc of ['gvisor', 'runsc', 'kata', 'kata-qemu', 'kata-remote', 'peer-pods']) assert.ok(defaults.unresizableRuntimeClasses.includes(rc), rc);
  assert.equal(defaults.allowMemoryRestart, false);
  assert.equal(defaults.staticCpuManager || defaults.staticMemoryManager || defaults.nodeSwap, false);
});

test('pods skipped, each with its reason and a distinct metric label', () => {
  const cases: Array<[string, V1Pod, Partial<ResizeSafetyConfig>, RegExp, string]> = [
    ['gVisor', withRuntimeClass('gvisor'), {}, /^runtime class cannot resize in place: 'gvisor'/, 'runtime class cannot resize in place'],
    ['a configured class', withRuntimeClass('my-vm'), { unresizableRuntimeClasses: ['my-vm'] }, /'my-vm' is in resizeSafety/, 'runtime class cannot resize in place'],
    ['static CPU manager, whole CPUs', guaranteed('2'), { staticCpuManager: true }, /^static CPU manager: a Guaranteed pod with 2 whole CPUs/, 'static CPU manager'],
    ['static memory manager', guaranteed('500m'), { staticMemoryManager: true }, /^static memory manager/, 'static memory manager'],
    ['node swap, Burstable', makePod(), { nodeSwap: true }, /^node swap: a Burstable pod may swap/, 'node swap'],
  ];
  for (const [name, pod, safety, reason, label] of cases) {
    const v = view(pod, safety);
    assert.equal(v.ok, false, name);
    if (!v.ok) {
      assert.match(v.error, reason, name);
      assert.equal(reasonLabel(v.error), label, name);
    }
  }
});

test('pods that may resize stay in the view', () => {
  for (const [name, pod, safety] of [
    ['runc', withRuntimeClass('runc'), {}],
    ['static CPU manager, fractional CPU', guaranteed('500m'), { staticCpuManager: true }],
    ['static CPU manager, Burstable', makePod(), { staticCpuManager: true }],
    ['node swap, Guaranteed', guaranteed('1'), { nodeSwap: true }],
  ] as const) {
    assert.ok(view(pod, safety).ok, name);
  }
});

function restartingPod(resource: 'memory' | 'cpu'): V1Pod {
  const p = makePod();
  p.spec!.containers[0]!.resizePolicy = [{ resourceName: resource, restartPolicy: 'RestartContainer' }];
  return p;
}

test('resizePolicy memory RestartContainer: a memory change is refused by default, with no PATCH', async () => {
  const api = new FakePodApi();
  api.put(restartingPod('memory'));
  const r = await new ResizeActuator(api, { safety: () => defaults }).apply(resizeAction(), signal);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'refused');
    assert.match(r.error.message, /resizePolicy memory RestartContainer: a memory resize would restart it \(resizeSafety\.allowMemoryRestart is off\)/);
  }
  assert.ok(!api.calls.some((c) => c.startsWith('patch')), api.calls.join(', '));
});

test('resizePolicy memory RestartContainer, allowed: applied, and the restart is in the reason', async () => {
  const api = new FakePodApi();
  api.put(restartingPod('memory'));
  const r = await new ResizeActuator(api, { safety: () => ({ ...defaults, allowMemoryRestart: true }) }).apply(resizeAction(), signal);
  assert.ok(r.ok, JSON.stringify(r));
  assert.match(r.value.action.reason, /^context growth forecast; restarts container 'agent' \(resizePolicy memory RestartContainer\)$/);
});

test('a CPU-only change on a memory-restarting container, or a CPU restart policy, is not a memory restart', async () => {
  const api = new FakePodApi();
  api.put(restartingPod('memory'));
  const cpuOnly = resizeAction({ requests: { cpuCores: 0.5, memBytes: 512 * 2 ** 20 }, limits: { cpuCores: 2, memBytes: 1024 * 2 ** 20 } });
  assert.ok((await new ResizeActuator(api, { safety: () => defaults }).apply(cpuOnly, signal)).ok);
  const api2 = new FakePodApi();
  api2.put(restartingPod('cpu'));
  assert.ok((await new ResizeActuator(api2, { safety: () => defaults }).apply(resizeAction(), signal)).ok);
});
