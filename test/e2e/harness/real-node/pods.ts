/**
 * Agent pods on the real node: hostNetwork (the CNI is a stub), the locally built agent image, and a
 * replay plan telling the agent what memory and CPU to really use step by step (tools/real-node/images/
 * agent). Burstable by construction (requests below limits), like the fake tier's pods.
 */
import type * as k8s from '@kubernetes/client-node';
import type { TraceSample } from '../../../../src/trace/types.js';
import { AGENT_CONTAINER } from '../kubelet.js';
import { AGENT_IMAGE } from './config.js';

/** One replay step: what the agent holds and burns, and its agent signals (the agent's JSON field names). */
export interface PlanStep {
  readonly m: number;
  readonly c: number;
  readonly t?: number;
  readonly tool?: string;
  readonly calls?: number;
  readonly errors?: number;
  readonly retries?: number;
  /** Played by the container's first run only (a restarted agent skips it). */
  readonly o?: boolean;
}

export interface ReplayPlan {
  readonly intervalMs: number;
  readonly steps: readonly PlanStep[];
}

/** A trace session as a replay plan; `memScale` shrinks memory to fit the node, `speedup` compresses time. */
export function planFromTrace(samples: readonly TraceSample[], opts: { intervalS: number; memScale?: number; speedup?: number }): ReplayPlan {
  const scale = opts.memScale ?? 1;
  return {
    intervalMs: Math.max(100, Math.round((opts.intervalS * 1000) / (opts.speedup ?? 1))),
    steps: samples.map((s) => ({
      m: Math.round(s.memBytes * scale),
      c: s.cpuCores,
      ...(s.contextTokens !== undefined ? { t: s.contextTokens } : {}),
      ...(s.tool !== undefined ? { tool: s.tool } : {}),
      ...(s.toolCalls !== undefined ? { calls: s.toolCalls } : {}),
      ...(s.toolErrors !== undefined ? { errors: s.toolErrors } : {}),
      ...(s.toolRetries !== undefined ? { retries: s.toolRetries } : {}),
    })),
  };
}

export interface Res {
  memBytes: number;
  cpuCores: number;
}

export interface ReplayPodSpec {
  readonly name: string;
  readonly plan: ReplayPlan;
  /** Loopback port the agent serves /metrics on (hostNetwork: one per pod). */
  readonly port: number;
  readonly requests: Res;
  readonly limits: Res;
  /** Bind to this node directly (no scheduler needed). */
  readonly nodeName: string;
  readonly labels?: Record<string, string>;
}

const mem = (b: number): string => `${Math.round(b / 2 ** 20)}Mi`;
const cpu = (c: number): string => `${Math.round(c * 1000)}m`;

export function replayPod(namespace: string, s: ReplayPodSpec): k8s.V1Pod {
  return {
    metadata: { name: s.name, namespace, labels: { 'burstguard.io/managed': 'true', 'burstguard.io/agent-class': 'coder', ...s.labels } },
    spec: {
      nodeName: s.nodeName,
      hostNetwork: true,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      // Outlives container restarts, so the agent knows it was restarted (see PlanStep.o).
      volumes: [{ name: 'state', emptyDir: {} }],
      containers: [{
        name: AGENT_CONTAINER,
        image: AGENT_IMAGE,
        imagePullPolicy: 'Never',
        env: [
          { name: 'PORT', value: String(s.port) },
          { name: 'AGENT_PLAN', value: JSON.stringify(s.plan) },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'AGENT_STATE_DIR', value: '/state' },
        ],
        volumeMounts: [{ name: 'state', mountPath: '/state' }],
        resources: {
          requests: { memory: mem(s.requests.memBytes), cpu: cpu(s.requests.cpuCores) },
          limits: { memory: mem(s.limits.memBytes), cpu: cpu(s.limits.cpuCores) },
        },
      }],
    },
  };
}

export async function createReplayPod(core: k8s.CoreV1Api, namespace: string, s: ReplayPodSpec): Promise<k8s.V1Pod> {
  return core.createNamespacedPod({ namespace, body: replayPod(namespace, s) });
}

/** The agent container's status (restarts, last termination) of a pod, or undefined before it has one. */
export function agentStatus(pod: k8s.V1Pod): k8s.V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === AGENT_CONTAINER);
}

/** Reads one gauge of the agent's own /metrics (e.g. e2e_agent_replay_step); undefined when unreachable. */
export async function agentGauge(port: number, name: string): Promise<number | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    const line = (await r.text()).split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  } catch {
    return undefined;
  }
}
