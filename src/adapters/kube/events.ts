import { V1MicroTime, type EventsV1Event } from '@kubernetes/client-node';
import type { Result } from '../../core/result.js';
import type { Action, ActuationError, Applied, PodView, Resources } from '../../core/types.js';
import type { Clock, Logger } from '../../engine/ports.js';
import { apiFailure } from './api-errors.js';
import type { EventApi } from './apis.js';
import { DEFAULT_COALESCE, EventSeriesBook, seriesKey, type CoalesceOptions, type HeldBack, type SeriesWrite } from './event-series.js';
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
  /** Series and the per-tick budget (event-series.ts); `false` writes one Event per occurrence (the bench's baseline). */
  readonly coalesce?: CoalesceOptions | false;
  /** The controller's own object (its ConfigMap): where the per-tick summary goes. */
  readonly summaryTarget?: EventTarget;
}

/** Event writes sent to the API server (failed ones included): creates and series patches. */
export interface EventWrites {
  creates: number;
  patches: number;
}

const MAX_NOTE = 1024;
const REPORTING_CONTROLLER = 'burstguard';
export const SUMMARY_REASON = 'BurstguardEventsSummarized';

/** The events.k8s.io/v1 `action` (required, machine-readable) for a reason. */
export function actionOf(reason: string): string {
  if (reason.includes('Resize')) return 'Resize';
  if (reason.includes('Scale')) return 'Scale';
  if (reason === EVENT_REASONS.dryRun) return 'Recommend';
  if (reason.startsWith('BurstguardConfig')) return 'LoadConfig';
  if (reason.startsWith('BurstguardSandboxTemplate')) return 'UpdateTemplate';
  return 'Observe';
}

/**
 * Writes events.k8s.io/v1 Events, coalesced (event-series.ts): a repeat on the same object and reason
 * grows one Event's series, and a tick past its budget of new Events says the rest in one summary on
 * the controller's object. Call `flush()` once per tick. An Event is a record, not a control path: a
 * failure to write one is logged and never fails the action it describes.
 */
export class EventRecorder {
  private seq = 0;
  private readonly book: EventSeriesBook | undefined;
  readonly writes: EventWrites = { creates: 0, patches: 0 };

  constructor(
    private readonly api: EventApi,
    private readonly opts: EventRecorderOptions,
  ) {
    this.book = opts.coalesce === false ? undefined : new EventSeriesBook(opts.coalesce ?? DEFAULT_COALESCE);
  }

  async record(target: EventTarget, spec: EventSpec): Promise<void> {
    const nowMs = this.opts.clock.now();
    const parts = { regarding: target, reason: spec.reason, action: actionOf(spec.reason), type: spec.type, note: spec.message };
    const key = seriesKey(parts);
    const o = this.book?.observe(key, parts, nowMs, () => this.newName(target, nowMs)) ?? { kind: 'create' as const, name: this.newName(target, nowMs) };
    if (o.kind !== 'create') return;
    if (!(await this.create(target, spec, o.name, nowMs))) this.book?.forget(key, o.name);
  }

  /** The end of a tick: writes the series counts due and the summary of Events held back. */
  async flush(): Promise<void> {
    if (!this.book) return;
    const nowMs = this.opts.clock.now();
    const plan = this.book.flush(nowMs);
    await Promise.all(plan.patches.map((w) => this.patchSeries(w, nowMs)));
    if (plan.summary.size === 0) return;
    const spec = summaryEvent(plan.summary);
    if (this.opts.summaryTarget) await this.create(this.opts.summaryTarget, spec, this.newName(this.opts.summaryTarget, nowMs), nowMs);
    else this.opts.log.info({ reason: spec.reason }, spec.message);
  }

  private newName(target: EventTarget, nowMs: number): string {
    this.seq = (this.seq + 1) % 0xffff;
    return `${target.name}.${nowMs.toString(16)}${this.seq.toString(16).padStart(4, '0')}`;
  }

  private async create(target: EventTarget, spec: EventSpec, name: string, nowMs: number): Promise<boolean> {
    const event: EventsV1Event = {
      metadata: { name, namespace: target.namespace },
      eventTime: new V1MicroTime(nowMs),
      regarding: { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name, ...(target.uid ? { uid: target.uid } : {}) },
      type: spec.type,
      reason: spec.reason,
      action: actionOf(spec.reason),
      note: spec.message.length > MAX_NOTE ? `${spec.message.slice(0, MAX_NOTE - 1)}…` : spec.message,
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.opts.instance,
    };
    this.writes.creates++;
    try {
      await this.api.create(target.namespace, event);
      return true;
    } catch (e) {
      const f = apiFailure(e);
      this.opts.log.warn({ target: `${target.namespace}/${target.name}`, reason: spec.reason, status: f.status, err: f.message }, 'could not write Event');
      return false;
    }
  }

  private async patchSeries(w: SeriesWrite, nowMs: number): Promise<void> {
    this.writes.patches++;
    try {
      await this.api.patchSeries(w.namespace, w.name, { count: w.count, lastObservedTime: new V1MicroTime(w.lastObservedMs) });
      this.book?.written(w, nowMs);
    } catch (e) {
      const f = apiFailure(e);
      // Gone (expired by the API server's Event TTL): the next occurrence creates a new one.
      if (f.status === 404) this.book?.forget(w.key, w.name);
      this.opts.log.warn({ event: `${w.namespace}/${w.name}`, count: w.count, status: f.status, err: f.message }, 'could not update Event series');
    }
  }
}

/** Pure: the one Event that says what a tick's budget held back. */
export function summaryEvent(summary: ReadonlyMap<string, HeldBack>): EventSpec {
  let total = 0;
  let warning = false;
  const parts: string[] = [];
  for (const [reason, h] of summary) {
    total += h.count;
    warning ||= h.type === 'Warning';
    parts.push(`${reason} x${h.count} (${h.examples.join(', ')}${h.count > h.examples.length ? ', …' : ''})`);
  }
  return {
    type: warning ? 'Warning' : 'Normal',
    reason: SUMMARY_REASON,
    message: `${total} more Event(s) this tick, held back to spare the API server: ${parts.join('; ')}. Each action is in the controller's log and in burstguard_actions_total.`,
  };
}
