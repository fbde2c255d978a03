import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { podToView, resizeStateOf, type PodViewOptions } from '../../../src/adapters/kube/pod-to-view.js';
import { clone, makePod } from './fixtures.js';

const MiB = 2 ** 20;
const opts: PodViewOptions = { agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default' };

function view(pod: V1Pod, o: PodViewOptions = opts) {
  const r = podToView(pod, o);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

test('a running Burstable pod becomes a PodView with parsed quantities', () => {
  const v = view(makePod());
  assert.deepEqual(v.ref, { namespace: 'agents', name: 'agent-0' });
  assert.equal(v.key, 'agents/agent-0');
  assert.equal(v.container, 'agent');
  assert.equal(v.agentClass, 'coder');
  assert.equal(v.qos, 'Burstable');
  assert.deepEqual(v.requests, { cpuCores: 0.25, memBytes: 512 * MiB });
  assert.deepEqual(v.limits, { cpuCores: 1, memBytes: 1024 * MiB });
  assert.deepEqual(v.actualLimits, { cpuCores: 1, memBytes: 1024 * MiB });
  assert.equal(v.running, true);
  assert.equal(v.startedAtMs, Date.parse('2026-11-27T07:00:00Z'));
  assert.equal(v.nodeName, 'node-a');
  assert.deepEqual(v.resize, { phase: 'none' });
  assert.equal(v.lastOomAtMs, undefined);
});

test('container selection: configured name, then the pod annotation, then the first container', () => {
  const pod = makePod();
  pod.spec!.containers.unshift({ name: 'sidecar', image: 's', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } });
  assert.equal(view(pod).container, 'sidecar');
  assert.equal(view(pod, { ...opts, container: 'agent' }).container, 'agent');
  pod.metadata!.annotations = { 'burstguard.io/container': 'agent' };
  assert.equal(view(pod).container, 'agent');
  const missing = podToView(pod, { ...opts, container: 'nope' });
  assert.ok(!missing.ok && /no container named 'nope'/.test(missing.error));
});

test('the agent class falls back to the default when the label is absent', () => {
  assert.equal(view(makePod({ labels: {} })).agentClass, 'default');
});

test('QoS comes from status.qosClass, else is derived from the resources', () => {
  assert.equal(view(makePod({ qosClass: 'Guaranteed' })).qos, 'Guaranteed');
  const g = makePod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  delete g.status!.qosClass;
  assert.equal(view(g).qos, 'Guaranteed');
  const onlyLimits = makePod({ requests: {}, limits: { cpu: '500m', memory: '256Mi' } });
  delete onlyLimits.status!.qosClass;
  const v = view(onlyLimits);
  assert.equal(v.qos, 'Guaranteed', 'requests default to limits');
  assert.deepEqual(v.requests, v.limits);
  const be = makePod({ requests: {}, limits: {} });
  delete be.status!.qosClass;
  assert.equal(view(be).qos, 'BestEffort');
});

test('actualLimits follow containerStatuses[].resources, which lag the spec during a resize', () => {
  const pod = makePod();
  pod.spec!.containers[0]!.resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } };
  const v = view(pod);
  assert.equal(v.limits.memBytes, 2048 * MiB);
  assert.equal(v.actualLimits?.memBytes, 1024 * MiB);
  delete pod.status!.containerStatuses![0]!.resources;
  assert.equal(view(pod).actualLimits, undefined);
});

test('restarts and the last OOM kill are read from the container status', () => {
  const pod = makePod();
  const cs = pod.status!.containerStatuses![0]!;
  cs.restartCount = 3;
  cs.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-11-27T06:59:00Z') } };
  const v = view(pod);
  assert.equal(v.restarts, 3);
  assert.equal(v.lastOomAtMs, Date.parse('2026-11-27T06:59:00Z'));
  cs.lastState = { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date() } };
  assert.equal(view(pod).lastOomAtMs, undefined);
});

test('typed (Date) and raw (string) timestamps read the same', () => {
  const raw = makePod();
  const typed = clone(raw);
  typed.status!.containerStatuses![0]!.state = { running: { startedAt: new Date('2026-11-27T07:00:00Z') } };
  assert.equal(view(typed).startedAtMs, view(raw).startedAtMs);
});

test('pods the engine must not touch are errors with a reason', () => {
  const term = makePod();
  term.metadata!.deletionTimestamp = new Date();
  const done = makePod();
  done.status!.phase = 'Succeeded';
  const bad = makePod({ limits: { memory: 'lots' } });
  for (const [p, re] of [
    [term, /terminating/],
    [done, /finished/],
    [bad, /malformed memory/],
  ] as const) {
    const r = podToView(p, opts);
    assert.ok(!r.ok && re.test(r.error), r.ok ? 'ok' : r.error);
  }
});

test('a pending pod is not running', () => {
  const p = makePod();
  p.status = { phase: 'Pending' };
  const v = view(p);
  assert.equal(v.running, false);
  assert.equal(v.restarts, 0);
});

const cond = (type: string, reason?: string, message?: string): V1PodCondition => ({ type, status: 'True', reason, message });

test('resize state from conditions, table-driven', () => {
  const cases: Array<[V1PodCondition[], string | undefined, string, string?]> = [
    [[], undefined, 'none'],
    [[cond('PodResizeInProgress')], undefined, 'in-progress'],
    [[cond('PodResizePending', 'Deferred', 'Node didn\'t have enough resource')], undefined, 'deferred', "Node didn't have enough resource"],
    [[cond('PodResizePending', 'Infeasible', 'Node didn\'t have enough capacity')], undefined, 'infeasible', "Node didn't have enough capacity"],
    [[cond('PodResizeInProgress', 'Error', 'memory limit below usage')], undefined, 'error', 'memory limit below usage'],
    // Both at once: the verdict that demands more of the engine wins.
    [[cond('PodResizeInProgress'), cond('PodResizePending', 'Deferred', 'x')], undefined, 'deferred', 'x'],
    [[cond('PodResizeInProgress', 'Error', 'e'), cond('PodResizePending', 'Infeasible', 'i')], undefined, 'infeasible', 'i'],
    [[{ type: 'PodResizeInProgress', status: 'False' }], undefined, 'none'],
    [[], 'Infeasible', 'infeasible'],
    [[], 'Deferred', 'deferred'],
    [[], 'InProgress', 'in-progress'],
  ];
  for (const [conditions, legacy, phase, message] of cases) {
    const s = resizeStateOf(conditions, legacy);
    assert.equal(s.phase, phase, JSON.stringify(conditions));
    if (message !== undefined) assert.equal((s as { message: string }).message, message);
  }
});

test('the view carries the resize state of the pod', () => {
  const p = makePod();
  p.status!.conditions = [cond('PodResizePending', 'Infeasible', 'too big')];
  assert.deepEqual(view(p).resize, { phase: 'infeasible', message: 'too big' });
});
