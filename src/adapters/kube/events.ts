import type { CoreV1Event } from '@kubernetes/client-node';
import type { Result } from '../../core/result.js';
import type { Action, ActuationError, Applied, PodView, Resources } from '../../core/types.js';
import type { Clock, Logger } from '../../engine/ports.js';
import { apiFailure } from './api-errors.js';
import type { EventApi } from './apis.js';
import { KEDA } from './scaled-object-view.js';
import { formatCpu, formatMemory } from './quantity.js';

/** Event reasons burstguard writes (CamelCase, as kubectl shows them). */
export const EVENT_REASONS = {
  resized: 'BurstguardResized',
  resizeDeferred: 'BurstguardResizeDeferred',
  resizeInfeasible: 'BurstguardResizeInfeasible',
  resizeFailed: 'BurstguardResizeFailed',
  /** The kubelet could not apply a resize (PodResizeInProgress reason Error, e.g. a memory-limit decrease below usage). */
  resizeError: 'BurstguardResizeError',
  scaled: 'BurstguardScaled',
  scaleFailed: 'BurstguardScaleFailed',
  dryRun: 'BurstguardDryRun',
  configRejected: 'BurstguardConfigRejected',
} as const;

/** The object an Event is about. */
export interface EventTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

export interface EventSpec {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** The object an action is about. */
export function targetOf(action: Action): EventTarget {
  if (action.kind === 'resize') return { apiVersion: 'v1', kind: 'Pod', ...action.pod };
  return { apiVersion: `${KEDA.group}/${KEDA.version}`, kind: KEDA.kind, ...action.scaledObject };
}

/** The numbers of an action in one line: `mem 512Mi/1Gi cpu 250m/1 (requests/limits)` or `minReplicaCount 3`. */
export function describeAction(action: Action): string {
  if (action.kind === 'scale') return `minReplicaCount ${action.minReplicas}`;
  const res = (r: Resources): string => `${r.memBytes > 0 ? formatMemory(r.memBytes) : '-'} mem, ${r.cpuCores > 0 ? formatCpu(r.cpuCores) : '-'} cpu`;
  return `container ${action.container}: requests ${res(action.requests)}; limits ${res(action.limits)}`;
}

function inputsText(action: Action): string {
  const parts = Object.entries(action.inputs).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : String(v)}`);
  return parts.length > 0 ? ` [${parts.join(' ')}]` : '';
}

/** Pure: the Event for a kubelet verdict the view found on a pod (Deferred, Infeasible, Error). */
export function verdictEvent(pod: PodView): EventSpec | undefined {
  const r = pod.resize;
  if (r.phase !== 'deferred' && r.phase !== 'infeasible' && r.phase !== 'error') return undefined;
  const res = (x: Resources): string => `${formatMemory(x.memBytes)} mem, ${formatCpu(x.cpuCores)} cpu`;
  const asked = `requests ${res(pod.requests)}; limits ${res(pod.limits)}`;
  const next =
    r.phase === 'deferred'
      ? 'burstguard backs off and retries'
      : r.phase === 'infeasible'
        ? 'burstguard stops asking for this size and falls back to the largest that fits'
        : 'the kubelet kept the previous resources';
  const reason = r.phase === 'deferred' ? EVENT_REASONS.resizeDeferred : r.phase === 'infeasible' ? EVENT_REASONS.resizeInfeasible : EVENT_REASONS.resizeError;
  return { type: 'Warning', reason, message: `kubelet: ${r.phase} (${r.message}) for ${asked} of container ${pod.container}; ${next}` };
}

/** Pure: the Event an action's outcome becomes. */
export function eventFor(action: Action, result: Result<Applied, ActuationError>): EventSpec {
  const what = `${describeAction(action)} by ${action.policy}: ${action.reason}${inputsText(action)}`;
  const resize = action.kind === 'resize';
  if (!result.ok) {
    return { type: 'Warning', reason: resize ? EVENT_REASONS.resizeFailed : EVENT_REASONS.scaleFailed, message: `${result.error.code}: ${result.error.message}; wanted ${what}` };
  }
  const applied = result.value;
  switch (applied.outcome) {
    case 'dry-run':
      return { type: 'Normal', reason: EVENT_REASONS.dryRun, message: `would set ${describeAction(applied.action)} by ${action.policy}: ${applied.action.reason}${inputsText(action)}` };
    case 'deferred':
      return { type: 'Warning', reason: EVENT_REASONS.resizeDeferred, message: `${applied.message}; wanted ${what}` };
    case 'infeasible':
      return { type: 'Warning', reason: EVENT_REASONS.resizeInfeasible, message: `${applied.message}; wanted ${what}` };
    default:
      return {
        type: 'Normal',
        reason: resize ? EVENT_REASONS.resized : EVENT_REASONS.scaled,
        message: `${describeAction(applied.action)} by ${action.policy}: ${applied.action.reason}${inputsText(action)}`,
      };
  }
}

export interface EventRecorderOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** The replica writing (reportingInstance), e.g. the pod name. */
  readonly instance: string;
}

const MAX_MESSAGE = 1024;

/**
 * Writes core/v1 Events. An Event is a record, not a control path: a failure to write one is logged
 * and never fails the action it describes.
 */
export class EventRecorder {
  private seq = 0;

  constructor(
    private readonly api: EventApi,
    private readonly opts: EventRecorderOptions,
  ) {}

  async record(target: EventTarget, spec: EventSpec): Promise<void> {
    const now = new Date(this.opts.clock.now());
    this.seq = (this.seq + 1) % 0xffff;
    const event: CoreV1Event = {
      metadata: { name: `${target.name}.${now.getTime().toString(16)}${this.seq.toString(16).padStart(4, '0')}`, namespace: target.namespace },
      involvedObject: { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name, ...(target.uid ? { uid: target.uid } : {}) },
      type: spec.type,
      reason: spec.reason,
      message: spec.message.length > MAX_MESSAGE ? `${spec.message.slice(0, MAX_MESSAGE - 1)}…` : spec.message,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: 'burstguard' },
      reportingComponent: 'burstguard',
      reportingInstance: this.opts.instance,
    };
    try {
      await this.api.create(target.namespace, event);
    } catch (e) {
      const f = apiFailure(e);
      this.opts.log.warn({ target: `${target.namespace}/${target.name}`, reason: spec.reason, status: f.status, err: f.message }, 'could not write Event');
    }
  }
}
