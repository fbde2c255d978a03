/**
 * The building blocks of `npm run bench:actuation` (bench/perf/actuation.ts), kept here so the e2e
 * smoke test (test/e2e/actuation-bench.test.ts) runs them at a small size and they cannot rot:
 * many Running agent pods created fast (bounded concurrency, the status written from the create's
 * answer instead of a read), and one tick's resizes sent through the controller's real actuator
 * (KubeActuator → ResizeActuator → pods/resize, Events through the EventRecorder) with the tick's
 * bounded concurrency, every API call counted.
 */
import { performance } from 'node:perf_hooks';
import type * as k8s from '@kubernetes/client-node';
import { kubeEventApi, kubePodApi, type EventApi, type PodApi } from '../../../src/adapters/kube/apis.js';
import { DryRunActuator } from '../../../src/adapters/kube/dry-run-actuator.js';
import { DEFAULT_COALESCE, type CoalesceOptions } from '../../../src/adapters/kube/event-series.js';
import { EventRecorder } from '../../../src/adapters/kube/events.js';
import { KedaActuator } from '../../../src/adapters/kube/keda-actuator.js';
import { KubeActuator } from '../../../src/adapters/kube/kube-actuator.js';
import { ResizeActuator, type ResizeAction } from '../../../src/adapters/kube/resize-actuator.js';
import type { Action } from '../../../src/core/types.js';
import { mapBounded } from '../../../src/engine/bounded-map.js';
import type { Logger } from '../../../src/engine/ports.js';
import { AGENT_CONTAINER, createAgentPod, runningStatusOf } from './kubelet.js';
import type { Res } from './quantities.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Creates `n` Burstable agent pods `prefix-0…` bound to the fake node and marks them Running, `concurrency` at a time. */
export async function createRunningPods(core: k8s.CoreV1Api, namespace: string, n: number, o: { prefix?: string; concurrency?: number; requests: Res; limits: Res }): Promise<k8s.V1Pod[]> {
  const names = Array.from({ length: n }, (_, i) => `${o.prefix ?? 'agent'}-${i}`);
  return mapBounded(names, o.concurrency ?? 32, async (name) => {
    const created = await createAgentPod(core, namespace, { name, requests: o.requests, limits: o.limits });
    // The create's answer is the pod as stored: its status goes straight on (no read in between).
    return core.replaceNamespacedPodStatus({ name, namespace, body: { ...created, status: runningStatusOf(created) } });
  });
}

/** One tick's resizes: each pod's memory limit and request raised by `factor`, as a burst forecast would. */
export function raiseAll(pods: readonly k8s.V1Pod[], base: { requests: Res; limits: Res }, factor: number): ResizeAction[] {
  const mem = (b: number): number => Math.round((b * factor) / 2 ** 20) * 2 ** 20;
  return pods.map((p) => ({
    kind: 'resize',
    pod: { namespace: p.metadata!.namespace!, name: p.metadata!.name! },
    container: AGENT_CONTAINER,
    requests: { memBytes: mem(base.requests.memBytes), cpuCores: base.requests.cpuCores },
    limits: { memBytes: mem(base.limits.memBytes), cpuCores: base.limits.cpuCores },
    policy: 'bench',
    reason: `actuation bench: memory x${factor}`,
    inputs: { factor },
  }));
}

/** API calls by kind, counted at the adapters' edge. */
export interface CallCounts {
  podReads: number;
  resizePatches: number;
  eventCreates: number;
  eventPatches: number;
}

function countingPodApi(api: PodApi, c: CallCounts): PodApi {
  return {
    read: (ns, name) => ((c.podReads += 1), api.read(ns, name)),
    patchResize: (ns, name, body) => ((c.resizePatches += 1), api.patchResize(ns, name, body)),
    patchMetadata: (ns, name, body) => api.patchMetadata(ns, name, body),
  };
}

function countingEventApi(api: EventApi, c: CallCounts): EventApi {
  return {
    create: (ns, e) => ((c.eventCreates += 1), api.create(ns, e)),
    patchSeries: (ns, name, s) => ((c.eventPatches += 1), api.patchSeries(ns, name, s)),
  };
}

/** The controller's actuation stack over a KubeConfig, as kube-runtime.ts assembles it, with counted calls. */
export interface ActuationStack {
  readonly actuator: KubeActuator;
  readonly events: EventRecorder;
  readonly calls: CallCounts;
}

export function actuationStack(kc: k8s.KubeConfig, o: { cache: ReadonlyMap<string, k8s.V1Pod>; coalesce: CoalesceOptions | false; summaryTarget?: { namespace: string; name: string } }): ActuationStack {
  const calls: CallCounts = { podReads: 0, resizePatches: 0, eventCreates: 0, eventPatches: 0 };
  const clock = { now: () => Date.now() };
  const pods = countingPodApi(kubePodApi(kc), calls);
  const events = new EventRecorder(countingEventApi(kubeEventApi(kc), calls), {
    clock,
    log: quiet,
    instance: 'actuation-bench',
    coalesce: o.coalesce,
    ...(o.summaryTarget ? { summaryTarget: { apiVersion: 'v1', kind: 'ConfigMap', ...o.summaryTarget } } : {}),
  });
  const actuator = new KubeActuator({
    // The informer's copy, as in the controller: one PATCH per resize, no GET.
    resize: new ResizeActuator(pods, { cached: (namespace, name) => o.cache.get(`${namespace}/${name}`) }),
    keda: new KedaActuator({ read: () => Promise.reject(new Error('no KEDA here')), patch: () => Promise.reject(new Error('no KEDA here')) }),
    dryRun: new DryRunActuator(pods, { annotatePods: false, clock, log: quiet }),
    events,
  });
  return { actuator, events, calls };
}

/** What one tick's actuation cost. */
export interface TickFigures {
  readonly actions: number;
  readonly ok: number;
  readonly failed: number;
  /** First failure messages, for the report. */
  readonly failures: readonly string[];
  /** Wall time from the first PATCH to the end of the Event flush. */
  readonly wallMs: number;
  readonly calls: CallCounts;
  readonly writes: number;
  readonly writesPerSecond: number;
}

/** Sends `actions` as the engine's tick does (mapBounded, `concurrency` in flight), then flushes Events once. */
export async function sendTick(stack: ActuationStack, actions: readonly Action[], concurrency: number): Promise<TickFigures> {
  const before = { ...stack.calls };
  const signal = new AbortController().signal;
  const t0 = performance.now();
  const results = await mapBounded(actions, concurrency, (a) => stack.actuator.apply(a, { dryRun: false, signal }));
  await stack.events.flush();
  const wallMs = performance.now() - t0;
  const calls = {
    podReads: stack.calls.podReads - before.podReads,
    resizePatches: stack.calls.resizePatches - before.resizePatches,
    eventCreates: stack.calls.eventCreates - before.eventCreates,
    eventPatches: stack.calls.eventPatches - before.eventPatches,
  };
  const writes = calls.resizePatches + calls.eventCreates + calls.eventPatches;
  const failures = results.flatMap((r) => (r.ok ? [] : [`${r.error.code}: ${r.error.message}`]));
  return { actions: actions.length, ok: results.length - failures.length, failed: failures.length, failures: failures.slice(0, 3), wallMs, calls, writes, writesPerSecond: writes / (wallMs / 1000) };
}

export { DEFAULT_COALESCE };
