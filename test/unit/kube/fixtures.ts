import type { ResizeAction } from '../../../src/adapters/kube/resize-actuator.js';
// In-memory fakes of the Kubernetes objects and API slices the kube adapters use.
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../src/engine/ports.js';

export const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A log that remembers messages, to assert that something was reported. */
export function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (_o: object, msg?: string): void => {
    lines.push(msg ?? '');
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}

/** A client-node ApiException look-alike: numeric `code` and the Status JSON as text in `body`. */
export function apiError(code: number, message: string): Error & { code: number; body: string } {
  return Object.assign(new Error(`HTTP ${code}`), { code, body: JSON.stringify({ kind: 'Status', code, message }) });
}

export interface PodSpecArgs {
  name?: string;
  namespace?: string;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  labels?: Record<string, string>;
  qosClass?: string;
}

/** A running single-container Burstable agent pod, as a raw watch event would carry it. */
export function makePod(a: PodSpecArgs = {}): V1Pod {
  const resources = { requests: a.requests ?? { cpu: '250m', memory: '512Mi' }, limits: a.limits ?? { cpu: '1', memory: '1Gi' } };
  return {
    metadata: { name: a.name ?? 'agent-0', namespace: a.namespace ?? 'agents', labels: a.labels ?? { 'burstguard.io/agent-class': 'coder' }, resourceVersion: '10', generation: 1 },
    spec: { nodeName: 'node-a', containers: [{ name: 'agent', image: 'agent:1', resources }] },
    status: {
      phase: 'Running',
      qosClass: a.qosClass ?? 'Burstable',
      containerStatuses: [
        {
          name: 'agent',
          image: 'agent:1',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: '2026-11-27T07:00:00Z' as unknown as Date } },
          resources,
        },
      ],
    },
  };
}

/** Deep copy, so fakes never share objects with the code under test. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** A resize action as the engine would hand it to the actuators (agents/agent-0, 768Mi/500m under 2Gi/2). */
export function resizeAction(over: Partial<ResizeAction> = {}): ResizeAction {
  return {
    kind: 'resize',
    pod: { namespace: 'agents', name: 'agent-0' },
    container: 'agent',
    requests: { cpuCores: 0.5, memBytes: 768 * 2 ** 20 },
    limits: { cpuCores: 2, memBytes: 2048 * 2 ** 20 },
    policy: 'predictive',
    reason: 'context growth forecast',
    inputs: { forecastBytes: 1.9e9 },
    ...over,
  };
}
