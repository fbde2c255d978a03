import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreV1Event } from '@kubernetes/client-node';
import { DryRunActuator, RECOMMENDATION_ANNOTATION } from '../../../src/adapters/kube/dry-run-actuator.js';
import { EventRecorder, eventFor, EVENT_REASONS, targetOf } from '../../../src/adapters/kube/events.js';
import { KubeActuator } from '../../../src/adapters/kube/kube-actuator.js';
import type { ResizeAction } from '../../../src/adapters/kube/resize-actuator.js';
import { err, ok } from '../../../src/core/result.js';
import type { Action } from '../../../src/core/types.js';
import { FakePodApi } from './fake-pod-api.js';
import { apiError, makePod, recordingLog, resizeAction, silentLog } from './fixtures.js';

const MiB = 2 ** 20;
const clock = { now: () => Date.parse('2026-11-27T08:00:00Z') };
const resize: ResizeAction = resizeAction({ inputs: { forecastBytes: 1900000000, horizonS: 60 } });
const scale: Action = { kind: 'scale', scaledObject: { namespace: 'agents', name: 'coder' }, minReplicas: 4, policy: 'predictive', reason: 'burst', inputs: {} };

test('each outcome becomes an Event with its reason and the numbers', () => {
  const applied = eventFor(resize, ok({ outcome: 'applied', action: resize }));
  assert.equal(applied.reason, EVENT_REASONS.resized);
  assert.equal(applied.type, 'Normal');
  assert.match(applied.message, /requests 768Mi mem, 500m cpu; limits 2Gi mem, 2 cpu by predictive: context growth forecast \[forecastBytes=1900000000 horizonS=60\]/);
  assert.equal(eventFor(resize, ok({ outcome: 'dry-run', action: resize })).reason, EVENT_REASONS.dryRun);
  assert.match(eventFor(resize, ok({ outcome: 'dry-run', action: resize })).message, /^would set/);
  assert.equal(eventFor(resize, ok({ outcome: 'deferred', action: resize, message: 'd' })).reason, EVENT_REASONS.resizeDeferred);
  assert.equal(eventFor(resize, ok({ outcome: 'infeasible', action: resize, message: 'i' })).reason, EVENT_REASONS.resizeInfeasible);
  const failed = eventFor(resize, err({ action: resize, code: 'forbidden', message: 'HTTP 403: no', retryable: false }));
  assert.equal(failed.reason, EVENT_REASONS.resizeFailed);
  assert.equal(failed.type, 'Warning');
  assert.match(failed.message, /^forbidden: HTTP 403: no; wanted/);
  assert.equal(eventFor(scale, ok({ outcome: 'applied', action: scale })).reason, EVENT_REASONS.scaled);
  assert.match(eventFor(scale, ok({ outcome: 'applied', action: scale })).message, /minReplicaCount 4/);
  assert.equal(eventFor(scale, err({ action: scale, code: 'not-found', message: 'x', retryable: false })).reason, EVENT_REASONS.scaleFailed);
});

test('the Event names its object and a unique name; a write failure is only logged', async () => {
  const created: CoreV1Event[] = [];
  const rec = new EventRecorder({ create: (_ns, e) => (created.push(e), Promise.resolve(e)) }, { clock, log: silentLog, instance: 'burstguard-0' });
  await rec.record(targetOf(scale), { type: 'Normal', reason: 'BurstguardScaled', message: 'x'.repeat(2000) });
  await rec.record(targetOf(scale), { type: 'Normal', reason: 'BurstguardScaled', message: 'm' });
  assert.equal(created.length, 2);
  const e = created[0]!;
  assert.deepEqual(e.involvedObject, { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', namespace: 'agents', name: 'coder' });
  assert.equal(e.reportingComponent, 'burstguard');
  assert.equal(e.reportingInstance, 'burstguard-0');
  assert.ok(e.message!.length <= 1024);
  assert.notEqual(created[0]!.metadata.name, created[1]!.metadata.name);

  const log = recordingLog();
  const failing = new EventRecorder({ create: () => Promise.reject(apiError(403, 'events is forbidden')) }, { clock, log, instance: 'x' });
  await failing.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: 'm' });
  assert.deepEqual(log.lines, ['could not write Event']);
});

test('dry-run changes nothing; annotations only when enabled', async () => {
  const api = new FakePodApi();
  api.put(makePod());
  const quiet = new DryRunActuator(api, { annotatePods: false, clock, log: silentLog });
  const r = await quiet.apply(resize);
  assert.ok(r.ok && r.value.outcome === 'dry-run');
  assert.deepEqual(api.calls, []);

  const loud = new DryRunActuator(api, { annotatePods: true, clock, log: silentLog });
  await loud.apply(resize);
  assert.deepEqual(api.calls, ['patch agent-0']);
  const pod = api.get('agents', 'agent-0');
  const rec = JSON.parse(pod.metadata!.annotations![RECOMMENDATION_ANNOTATION]!) as { limits: { memBytes: number }; reason: string };
  assert.equal(rec.limits.memBytes, 2048 * MiB);
  assert.equal(rec.reason, 'context growth forecast');
  assert.deepEqual(pod.spec!.containers[0]!.resources!.limits, { cpu: '1', memory: '1Gi' }, 'resources untouched');
});

test('the composite routes by kind and by dryRun, and records one Event per action', async () => {
  const seen: string[] = [];
  const events: string[] = [];
  const actuator = new KubeActuator({
    resize: { apply: (a) => (seen.push(`resize ${a.pod.name}`), Promise.resolve(ok({ outcome: 'applied' as const, action: a }))) },
    keda: { apply: (a) => (seen.push(`scale ${a.scaledObject.name}`), Promise.resolve(ok({ outcome: 'applied' as const, action: a }))) },
    dryRun: { apply: (a) => (seen.push(`dry ${a.kind}`), Promise.resolve(ok({ outcome: 'dry-run' as const, action: a }))) },
    events: { record: (t, s) => (events.push(`${t.kind}/${t.name} ${s.reason}`), Promise.resolve()) },
  });
  const signal = new AbortController().signal;
  await actuator.apply(resize, { dryRun: false, signal });
  await actuator.apply(scale, { dryRun: false, signal });
  await actuator.apply(resize, { dryRun: true, signal });
  await actuator.apply(scale, { dryRun: true, signal });
  assert.deepEqual(seen, ['resize agent-0', 'scale coder', 'dry resize', 'dry scale']);
  assert.deepEqual(events, ['Pod/agent-0 BurstguardResized', 'ScaledObject/coder BurstguardScaled', 'Pod/agent-0 BurstguardDryRun', 'ScaledObject/coder BurstguardDryRun']);
});

test('kubelet verdicts become Warning Events naming the sizes', async () => {
  const { podToView } = await import('../../../src/adapters/kube/pod-to-view.js');
  const { verdictEvent } = await import('../../../src/adapters/kube/events.js');
  const pod = makePod();
  pod.status!.conditions = [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible', message: "Node didn't have enough capacity" }];
  const v = podToView(pod, { agentClassLabel: 'a', defaultAgentClass: 'd' });
  assert.ok(v.ok);
  const e = verdictEvent(v.value);
  assert.equal(e?.reason, EVENT_REASONS.resizeInfeasible);
  assert.equal(e?.type, 'Warning');
  assert.match(e.message, /infeasible \(Node didn't have enough capacity\) for requests 512Mi mem, 250m cpu; limits 1Gi mem, 1 cpu/);
  pod.status!.conditions = [{ type: 'PodResizeInProgress', status: 'True', reason: 'Error', message: 'memory limit below usage' }];
  const err2 = podToView(pod, { agentClassLabel: 'a', defaultAgentClass: 'd' });
  assert.ok(err2.ok && verdictEvent(err2.value)?.reason === EVENT_REASONS.resizeError);
  pod.status!.conditions = [];
  const none = podToView(pod, { agentClassLabel: 'a', defaultAgentClass: 'd' });
  assert.ok(none.ok && verdictEvent(none.value) === undefined);
});
