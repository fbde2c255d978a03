import type { V1Container, V1ContainerStatus, V1Pod, V1PodCondition, V1ResourceRequirements } from '@kubernetes/client-node';
import { err, ok, type Result } from '../../core/result.js';
import { qosOf } from '../../core/resources.js';
import type { PodView, QosClass, ResizeState, Resources } from '../../core/types.js';
import type { ResizeSafetyConfig } from '../../config/resize-safety-schema.js';
import { parseQuantity } from './quantity.js';
import { podResizeBlocker } from './resize-safety.js';

/** Pod annotation that names the container to size when the ConfigMap names none. */
export const CONTAINER_ANNOTATION = 'burstguard.io/container';

/** How pods are read: which label carries the agent class, which container is sized. */
export interface PodViewOptions {
  readonly agentClassLabel: string;
  readonly defaultAgentClass: string;
  /** The container to size in every pod; otherwise the pod's annotation, otherwise the first container. */
  readonly container?: string;
  /** What must not be resized (runtime classes, static managers, swap); absent: no such checks. */
  readonly safety?: ResizeSafetyConfig;
}

/**
 * Converts a pod (from a list, typed, or from a watch, raw JSON with string timestamps) into the
 * engine's PodView. Pure. A pod the engine must not touch is an error carrying the reason.
 */
export function podToView(pod: V1Pod, opts: PodViewOptions): Result<PodView, string> {
  const meta = pod.metadata ?? {};
  if (!meta.name || !meta.namespace) return err('pod without name or namespace');
  if (meta.deletionTimestamp) return err('pod is terminating');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return err(`pod has finished (${phase})`);
  const container = sizedContainer(pod, opts);
  if (!container.ok) return container;
  const spec = resourcesOf(container.value.resources);
  if (!spec.ok) return err(`container '${container.value.name}': ${spec.error}`);
  const status = pod.status?.containerStatuses?.find((s) => s.name === container.value.name);
  const qos = qosFrom(pod.status?.qosClass, pod.spec?.containers ?? [], spec.value);
  const blocked = opts.safety ? podResizeBlocker(pod, qos, spec.value.requests.cpuCores, opts.safety) : undefined;
  if (blocked !== undefined) return err(blocked);
  const view: PodView = {
    ref: { namespace: meta.namespace, name: meta.name },
    key: `${meta.namespace}/${meta.name}`,
    agentClass: meta.labels?.[opts.agentClassLabel] ?? opts.defaultAgentClass,
    container: container.value.name,
    qos,
    requests: spec.value.requests,
    limits: spec.value.limits,
    resize: resizeStateOf(pod.status?.conditions ?? [], pod.status?.resize),
    running: phase === 'Running' && status?.state?.running !== undefined,
    startedAtMs: startedAtMs(pod, status),
    restarts: status?.restartCount ?? 0,
    ...optional('nodeName', pod.spec?.nodeName || undefined),
    ...optional('actualLimits', actualLimitsOf(status)),
    ...optional('actualRequests', actualRequestsOf(status)),
    ...optional('owner', controllerOf(pod)),
    ...optional('lastOomAtMs', lastOomMs(status)),
  };
  return ok(view);
}

/** The configured container, else the one the pod's annotation names, else the first. */
function sizedContainer(pod: V1Pod, opts: PodViewOptions): Result<V1Container, string> {
  const wanted = opts.container ?? pod.metadata?.annotations?.[CONTAINER_ANNOTATION];
  const containers = pod.spec?.containers ?? [];
  const c = wanted !== undefined ? containers.find((x) => x.name === wanted) : containers[0];
  if (c) return ok(c);
  return err(wanted !== undefined ? `no container named '${wanted}'` : 'pod has no containers');
}

function startedAtMs(pod: V1Pod, status: V1ContainerStatus | undefined): number {
  return toMs(status?.state?.running?.startedAt) ?? toMs(pod.status?.startTime) ?? toMs(pod.metadata?.creationTimestamp) ?? 0;
}

/** The limits the runtime reports as applied, when the kubelet reports them. */
function actualLimitsOf(status: V1ContainerStatus | undefined): Resources | undefined {
  if (!status?.resources) return undefined;
  const r = resourcesOf(status.resources);
  return r.ok && r.value.hasLimits ? r.value.limits : undefined;
}

/** The requests the runtime reports as applied, when the kubelet reports them. */
function actualRequestsOf(status: V1ContainerStatus | undefined): Resources | undefined {
  if (!status?.resources?.requests) return undefined;
  const r = resourcesOf(status.resources);
  return r.ok ? r.value.requests : undefined;
}

/** The pod's controller: a Sandbox for agent-sandbox pods, a ReplicaSet or Job for others. */
function controllerOf(pod: V1Pod): PodView['owner'] {
  const c = pod.metadata?.ownerReferences?.find((o) => o.controller === true);
  if (!c?.kind || !c.name) return undefined;
  return { apiVersion: c.apiVersion ?? '', kind: c.kind, name: c.name, ...(c.uid ? { uid: c.uid } : {}) };
}

interface SpecResources {
  readonly requests: Resources;
  readonly limits: Resources;
  readonly hasLimits: boolean;
}

/** Reads requests and limits; an absent value is 0 (the convention qosOf and the guards use). */
export function resourcesOf(r: V1ResourceRequirements | undefined): Result<SpecResources, string> {
  const read = (m: Record<string, string> | undefined, key: 'cpu' | 'memory'): Result<number, string> => {
    const raw = m?.[key];
    if (raw === undefined) return ok(0);
    const v = parseQuantity(raw);
    return v === undefined || v < 0 ? err(`malformed ${key} quantity '${String(raw)}'`) : ok(v);
  };
  const rc = read(r?.requests, 'cpu');
  const rm = read(r?.requests, 'memory');
  const lc = read(r?.limits, 'cpu');
  const lm = read(r?.limits, 'memory');
  for (const x of [rc, rm, lc, lm]) if (!x.ok) return x;
  const v = (x: Result<number, string>): number => (x.ok ? x.value : 0);
  // Kubernetes defaults a missing request to the limit; mirror it so the view matches what the kubelet admits.
  const limits = { cpuCores: v(lc), memBytes: v(lm) };
  const requests = {
    cpuCores: r?.requests?.cpu === undefined ? limits.cpuCores : v(rc),
    memBytes: r?.requests?.memory === undefined ? limits.memBytes : v(rm),
  };
  return ok({ requests, limits, hasLimits: r?.limits?.cpu !== undefined || r?.limits?.memory !== undefined });
}

/** status.qosClass when the API server has set it; else derived (exact for single-container pods). */
function qosFrom(reported: string | undefined, containers: readonly V1Container[], sized: SpecResources): QosClass {
  if (reported === 'Guaranteed' || reported === 'Burstable' || reported === 'BestEffort') return reported;
  if (containers.length <= 1) return qosOf(sized.requests, sized.limits);
  const each = containers.map((c) => {
    const r = resourcesOf(c.resources);
    return r.ok ? qosOf(r.value.requests, r.value.limits) : 'Burstable';
  });
  if (each.every((q) => q === 'Guaranteed')) return 'Guaranteed';
  if (each.every((q) => q === 'BestEffort')) return 'BestEffort';
  return 'Burstable';
}

/**
 * The resize state from pod conditions. Precedence follows what the engine must do about it:
 * Infeasible (stop asking) over Error (the kubelet refused, e.g. a memory-limit decrease below usage)
 * over Deferred (back off) over plain in-progress. The deprecated status.resize is read as a fallback.
 */
export function resizeStateOf(conditions: readonly V1PodCondition[], legacy?: string): ResizeState {
  const pending = conditions.find((c) => c.type === 'PodResizePending' && c.status === 'True');
  const progress = conditions.find((c) => c.type === 'PodResizeInProgress' && c.status === 'True');
  const message = (c: V1PodCondition): string => c.message ?? c.reason ?? '';
  if (pending?.reason === 'Infeasible') return { phase: 'infeasible', message: message(pending) };
  if (progress?.reason === 'Error') return { phase: 'error', message: message(progress) };
  if (pending?.reason === 'Deferred') return { phase: 'deferred', message: message(pending) };
  if (progress) return { phase: 'in-progress' };
  if (pending) return { phase: 'deferred', message: message(pending) };
  switch (legacy) {
    case 'Infeasible':
      return { phase: 'infeasible', message: 'status.resize Infeasible' };
    case 'Deferred':
      return { phase: 'deferred', message: 'status.resize Deferred' };
    case 'InProgress':
    case 'Proposed':
      return { phase: 'in-progress' };
    default:
      return { phase: 'none' };
  }
}

function lastOomMs(status: V1ContainerStatus | undefined): number | undefined {
  for (const t of [status?.state?.terminated, status?.lastState?.terminated]) {
    if (t?.reason === 'OOMKilled') return toMs(t.finishedAt) ?? toMs(t.startedAt);
  }
  return undefined;
}

/** Timestamps are Dates from typed list calls and RFC 3339 strings from raw watch events. */
export function toMs(t: Date | string | undefined | null): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

function optional<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}
