/**
 * The test plays the kubelet (there is none): it creates agent pods already bound to a node, marks them
 * Running with container status resources (without them the API server refuses any resize), and answers
 * resizes by writing status as a kubelet would: the new resources, or PodResizePending Deferred /
 * Infeasible, or PodResizeInProgress with reason Error, as the scenario dictates per pod.
 */
import type * as k8s from '@kubernetes/client-node';
import { formatCpu, formatMemory, type Res } from './quantities.js';
import { statusOf } from './kube.js';

export const AGENT_CONTAINER = 'agent';
export const NODE_NAME = 'e2e-node';

/** How the fake kubelet answers a pending resize of one pod. */
export type ResizeAnswer =
  | { readonly kind: 'accept' }
  | { readonly kind: 'deferred'; readonly message?: string }
  | { readonly kind: 'infeasible'; readonly message?: string }
  | { readonly kind: 'error'; readonly message?: string }
  /** Admitted but not actuated yet: PodResizeInProgress without a reason. */
  | { readonly kind: 'in-progress' }
  /** Leave the resize unanswered (no status change at all). */
  | { readonly kind: 'ignore' };

export interface AgentPodSpec {
  readonly name: string;
  readonly requests: Res;
  readonly limits: Res;
  readonly labels?: Record<string, string>;
  /** Set when the test mints a pod-bound token (TokenRequest checks the pod runs as that ServiceAccount). */
  readonly serviceAccountName?: string;
  /** A controller owner, e.g. the agent-sandbox Sandbox the pod belongs to (no controller runs here). */
  readonly ownerReferences?: k8s.V1OwnerReference[];
}

function resourceMap(r: Res): Record<string, string> {
  return { cpu: formatCpu(r.cpuCores), memory: formatMemory(r.memBytes) };
}

/**
 * Creates the fake node the pods are bound to. kube-apiserver 1.36 needs it to exist: the
 * NodeDeclaredFeatures admission (beta, on) looks the node up on every pod resize and answers 403
 * "node not found" otherwise. Its allocatable is what a controller may read as the Infeasible ceiling.
 */
export async function createNode(core: k8s.CoreV1Api, allocatable: Res = { memBytes: 16 * 2 ** 30, cpuCores: 8 }): Promise<void> {
  const res = { ...resourceMap(allocatable), pods: '110' };
  try {
    await core.createNode({ body: { metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME } }, status: { capacity: res, allocatable: res } } });
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
  }
}

/** Creates a Burstable agent pod bound to the fake node (requests below limits keep it Burstable). */
export async function createAgentPod(core: k8s.CoreV1Api, namespace: string, spec: AgentPodSpec): Promise<k8s.V1Pod> {
  return core.createNamespacedPod({
    namespace,
    body: {
      metadata: {
        name: spec.name,
        labels: { 'burstguard.io/managed': 'true', 'burstguard.io/agent-class': 'coder', ...spec.labels },
        ...(spec.ownerReferences !== undefined ? { ownerReferences: spec.ownerReferences } : {}),
      },
      spec: {
        nodeName: NODE_NAME,
        restartPolicy: 'Always',
        ...(spec.serviceAccountName !== undefined ? { serviceAccountName: spec.serviceAccountName } : {}),
        containers: [{
          name: AGENT_CONTAINER,
          image: 'registry.invalid/agent:e2e',
          resources: { requests: resourceMap(spec.requests), limits: resourceMap(spec.limits) },
          resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'memory', restartPolicy: 'NotRequired' }],
        }],
      },
    },
  });
}

type Conditions = k8s.V1PodCondition[];

function withoutResizeConditions(c: Conditions | undefined): Conditions {
  return (c ?? []).filter((x) => x.type !== 'PodResizePending' && x.type !== 'PodResizeInProgress');
}

/** The container status a kubelet reports for a running container with `resources` applied. */
function runningStatus(pod: k8s.V1Pod, applied: k8s.V1ResourceRequirements | undefined): k8s.V1ContainerStatus[] {
  const old = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  return (pod.spec?.containers ?? []).map((c) => {
    const prev = old.get(c.name);
    const res = applied ?? prev?.resources ?? c.resources ?? {};
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: true,
      started: true,
      restartCount: prev?.restartCount ?? 0,
      state: prev?.state ?? { running: { startedAt: new Date() } },
      resources: { requests: res.requests ?? {}, limits: res.limits ?? {} },
      allocatedResources: res.requests ?? {},
    };
  });
}

/** Marks a pod Running and Ready with its spec resources as the applied ones. */
export async function markRunning(core: k8s.CoreV1Api, namespace: string, name: string): Promise<k8s.V1Pod> {
  const pod = await core.readNamespacedPod({ name, namespace });
  const now = new Date();
  pod.status = {
    ...pod.status,
    phase: 'Running',
    hostIP: '10.0.0.10',
    podIP: '10.1.0.10',
    startTime: pod.status?.startTime ?? now,
    conditions: [
      ...withoutResizeConditions(pod.status?.conditions).filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady'),
      { type: 'Ready', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
    ],
    containerStatuses: runningStatus(pod, pod.spec?.containers[0]?.resources),
  };
  return core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

/** Whether the spec asks for other resources than the status reports (a resize awaits an answer). */
function resizePending(pod: k8s.V1Pod): boolean {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  return (pod.spec?.containers ?? []).some((c) => {
    const st = statuses.get(c.name)?.resources;
    return JSON.stringify(normalise(c.resources)) !== JSON.stringify(normalise(st));
  });
}

function normalise(r: k8s.V1ResourceRequirements | undefined): object {
  const sort = (m: Record<string, string> | undefined): Array<[string, string]> => Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return { requests: sort(r?.requests), limits: sort(r?.limits) };
}

function condition(type: string, reason: string, message: string, pod: k8s.V1Pod): k8s.V1PodCondition {
  return { type, status: 'True', ...(reason !== '' ? { reason, message } : {}), lastTransitionTime: new Date(), observedGeneration: pod.metadata?.generation };
}

/** The status a kubelet writes for answer `a`, or undefined when it has nothing (new) to say. */
function answeredStatus(pod: k8s.V1Pod, a: ResizeAnswer): k8s.V1PodStatus | undefined {
  const status = pod.status ?? {};
  const base = withoutResizeConditions(status.conditions);
  const verdict = (type: string, reason: string, message: string): k8s.V1PodStatus | undefined =>
    (status.conditions ?? []).some((c) => c.type === type && (c.reason ?? '') === reason)
      ? undefined
      : { ...status, conditions: [...base, condition(type, reason, message, pod)] };
  switch (a.kind) {
    case 'ignore':
      return undefined;
    case 'accept':
      return { ...status, conditions: base, containerStatuses: runningStatus(pod, pod.spec?.containers[0]?.resources) };
    case 'deferred':
      return verdict('PodResizePending', 'Deferred', a.message ?? 'Node didn\'t have enough resource: memory');
    case 'infeasible':
      return verdict('PodResizePending', 'Infeasible', a.message ?? 'Node didn\'t have enough capacity: memory');
    case 'in-progress':
      return verdict('PodResizeInProgress', '', '');
    case 'error':
      return verdict('PodResizeInProgress', 'Error', a.message ?? 'attempting to set memory limit below current usage');
  }
}

/**
 * Answers every pending resize in `namespace` once: the fake kubelet's reconcile pass. Returns the names
 * of pods whose status it wrote. Conflicts (someone else wrote the pod) are left for the next pass.
 */
export async function reconcileResizes(core: k8s.CoreV1Api, namespace: string, answer: (pod: k8s.V1Pod) => ResizeAnswer): Promise<string[]> {
  const list = await core.listNamespacedPod({ namespace });
  const written: string[] = [];
  for (const pod of list.items) {
    if (pod.status?.phase !== 'Running' || !resizePending(pod)) continue;
    const status = answeredStatus(pod, answer(pod));
    if (status === undefined) continue;
    const name = pod.metadata?.name ?? '';
    try {
      await core.replaceNamespacedPodStatus({ name, namespace, body: { ...pod, status } });
      written.push(name);
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
    }
  }
  return written;
}

/** Runs `reconcileResizes` every `everyMs` until stopped: a kubelet loop in the background. */
export function startKubelet(core: k8s.CoreV1Api, namespace: string, answer: (pod: k8s.V1Pod) => ResizeAnswer, everyMs = 300): { stop(): Promise<void>; errors: unknown[] } {
  let stopped = false;
  const errors: unknown[] = [];
  const loop = (async () => {
    while (!stopped) {
      try {
        await reconcileResizes(core, namespace, answer);
      } catch (e) {
        // The API server may be restarting in some scenarios; keep going and let the test look at errors.
        errors.push(e);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    errors,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
