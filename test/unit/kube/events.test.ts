import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventsV1Event } from '@kubernetes/client-node';
import { DryRunActuator, RECOMMENDATION_ANNOTATION } from '../../../src/adapters/kube/dry-run-actuator.js';
import { EventRecorder, eventFor, EVENT_REASONS, SUMMARY_REASON, targetOf } from '../../../src/adapters/kube/events.js';
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

test('the Event (events.k8s.io/v1) names its object, its action and a unique name; a write failure is only logged', async () => {
  const created: EventsV1Event[] = [];
  const api = { create: (_ns: string, e: EventsV1Event) => (created.push(e), Promise.resolve(e)), patchSeries: () => Promise.resolve() };
  const rec = new EventRecorder(api, { clock, log: silentLog, instance: 'burstguard-0' });
  await rec.record(targetOf(scale), { type: 'Normal', reason: 'BurstguardScaled', message: 'x'.repeat(2000) });
  await rec.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: 'm' });
  assert.equal(created.length, 2);
  const e = created[0]!;
  assert.deepEqual(e.regarding, { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', namespace: 'agents', name: 'coder' });
  assert.equal(e.reportingController, 'burstguard');
  assert.equal(e.reportingInstance, 'burstguard-0');
  assert.equal(e.action, 'Scale');
  assert.equal(created[1]!.action, 'Resize');
  assert.equal(JSON.stringify(e.eventTime), '"2026-11-27T08:00:00.000000Z"', 'MicroTime: six fractional digits');
  assert.ok(e.note!.length <= 1024);
  assert.notEqual(created[0]!.metadata!.name, created[1]!.metadata!.name);
  assert.deepEqual(rec.writes, { creates: 2, patches: 0 });

  const log = recordingLog();
  const failing = new EventRecorder({ create: () => Promise.reject(apiError(403, 'events is forbidden')), patchSeries: () => Promise.resolve() }, { clock, log, instance: 'x' });
  await failing.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: 'm' });
  assert.deepEqual(log.lines, ['could not write Event']);
});

test('a repeat on the same object and reason becomes a series patch at the flush, not a new Event', async () => {
  let t = clock.now();
  const tick = { now: () => t };
  const created: EventsV1Event[] = [];
  const patched: Array<{ name: string; count: number; last: string }> = [];
  const api = {
    create: (_ns: string, e: EventsV1Event) => (created.push(e), Promise.resolve(e)),
    patchSeries: (_ns: string, name: string, s: { count: number; lastObservedTime: Date }) => (patched.push({ name, count: s.count, last: JSON.stringify(s.lastObservedTime) }), Promise.resolve()),
  };
  const rec = new EventRecorder(api, { clock: tick, log: silentLog, instance: 'b-0' });
  for (let i = 0; i < 3; i++) {
    await rec.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: `step ${i}` });
    await rec.flush();
    t += 15_000;
  }
  assert.equal(created.length, 1);
  assert.deepEqual(patched.map((p) => p.count), [2], 'the first repeat at once; the third waits for the patch interval');
  assert.equal(patched[0]!.name, created[0]!.metadata!.name);
  t += 60_000;
  await rec.flush();
  assert.deepEqual(patched.map((p) => p.count), [2, 3]);
  assert.deepEqual(rec.writes, { creates: 1, patches: 2 });

  const plain = new EventRecorder(api, { clock: tick, log: silentLog, instance: 'b-0', coalesce: false });
  await plain.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: 'a' });
  await plain.record(targetOf(resize), { type: 'Normal', reason: 'BurstguardResized', message: 'b' });
  await plain.flush();
  assert.deepEqual(plain.writes, { creates: 2, patches: 0 }, 'without coalescing every occurrence is an Event');
});

test("a tick past its budget of new Events says the rest in one summary on the controller's object", async () => {
  const created: EventsV1Event[] = [];
  const api = { create: (_ns: string, e: EventsV1Event) => (created.push(e), Promise.resolve(e)), patchSeries: () => Promise.resolve() };
  const summaryTarget = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'agents', name: 'burstguard' };
  const rec = new EventRecorder(api, { clock, log: silentLog, instance: 'b-0', coalesce: { seriesWindowMs: 360_000, seriesPatchIntervalMs: 60_000, maxNewPerFlush: 3 }, summaryTarget });
  for (let i = 0; i < 10; i++) {
    const r = resizeAction({ pod: { namespace: 'agents', name: `agent-${i}` } });
    await rec.record(targetOf(r), i === 9 ? { type: 'Warning', reason: 'BurstguardResizeDeferred', message: 'd' } : { type: 'Normal', reason: 'BurstguardResized', message: 'm' });
  }
  await rec.flush();
  assert.equal(created.length, 4);
  const summary = created[3]!;
  assert.equal(summary.reason, SUMMARY_REASON);
  assert.equal(summary.type, 'Warning', 'a held-back Warning makes the summary a Warning');
  assert.equal(summary.regarding?.kind, 'ConfigMap');
  assert.match(summary.note!, /^7 more Event\(s\) this tick.*BurstguardResized x6 \(pod\/agent-3, pod\/agent-4, pod\/agent-5, pod\/agent-6, pod\/agent-7, …\); BurstguardResizeDeferred x1 \(pod\/agent-9\)/);
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
