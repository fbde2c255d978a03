import { qosOf } from '../../src/core/resources.js';
import { err, ok, type Result } from '../../src/core/result.js';
import type { Action, ActuationError, Applied, PodView, ResizeState, Resources } from '../../src/core/types.js';
import type { Actuator, ClusterSnapshot, ClusterView, SourceError } from '../../src/engine/ports.js';
import { eventFor, verdictEvent } from '../../src/adapters/kube/events.js';
import { traceMs } from './clock.js';
import type { SimCluster } from './cluster.js';
import { admitResize } from './kubelet.js';
import { Phase, ResizePhase, type SimPod } from './pod.js';

/** The container burstguard sizes in every simulated pod. */
export const SIM_CONTAINER = 'agent';

const NONE: ResizeState = { phase: 'none' };
const IN_PROGRESS: ResizeState = { phase: 'in-progress' };

/** The engine's view of the simulated pods: what an informer cache of the namespace would hold. */
export class SimClusterView implements ClusterView {
  /** The resize phase each pod had at the last snapshot: a new Deferred/Infeasible/Error is an Event, as in the controller's view. */
  private phases = new Map<string, ResizeState['phase']>();

  constructor(
    private readonly c: SimCluster,
    private readonly nowT: () => number = () => 0,
  ) {}

  snapshot(): Promise<Result<ClusterSnapshot, SourceError>> {
    const pods: PodView[] = [];
    for (const p of this.c.live) if (p.phase !== Phase.Gone) pods.push(this.view(p));
    this.noteVerdicts(pods);
    return Promise.resolve(ok({ pods, scaledObjects: [] }));
  }

  /** The controller's view records an Event when a pod's resize turns Deferred, Infeasible or Error (pod-view.ts). */
  private noteVerdicts(pods: readonly PodView[]): void {
    const T = this.nowT();
    const next = new Map<string, ResizeState['phase']>();
    for (const pod of pods) {
      next.set(pod.key, pod.resize.phase);
      if (this.phases.get(pod.key) === pod.resize.phase) continue;
      const spec = verdictEvent(pod);
      if (spec) this.c.events.record(pod.ref, spec, traceMs(T), this.c.scored(T));
    }
    this.phases = next;
  }

  private view(p: SimPod): PodView {
    const v: { -readonly [K in keyof PodView]: PodView[K] } = {
      ref: p.ref,
      key: p.key,
      agentClass: p.session.agentClass,
      container: SIM_CONTAINER,
      qos: p.qos,
      requests: { memBytes: p.specReqMem, cpuCores: p.specReqCpu },
      limits: { memBytes: p.specLimMem, cpuCores: p.specLimCpu },
      actualLimits: { memBytes: p.actLimMem, cpuCores: p.actLimCpu },
      resize: resizeState(p),
      running: p.phase === Phase.Running,
      startedAtMs: traceMs(p.startedT),
      restarts: p.restarts,
    };
    if (p.node !== null) {
      v.nodeName = p.node.name;
      v.nodeAllocatable = this.c.pool.allocatable;
    }
    if (!Number.isNaN(p.lastOomT)) v.lastOomAtMs = traceMs(p.lastOomT);
    return v;
  }
}

function resizeState(p: SimPod): ResizeState {
  switch (p.resize) {
    case ResizePhase.None:
      return NONE;
    case ResizePhase.InProgress:
      return IN_PROGRESS;
    case ResizePhase.Deferred:
      return { phase: 'deferred', message: p.resizeMessage };
    case ResizePhase.Infeasible:
      return { phase: 'infeasible', message: p.resizeMessage };
    case ResizePhase.Error:
      return { phase: 'error', message: p.resizeMessage };
  }
}

/**
 * The simulated API server and kubelet behind `pods/resize`: validation as the API server does it
 * (requests ≤ limits, no removal, QoS class unchanged), then the kubelet's admission (Deferred,
 * Infeasible, or admitted and actuated after the resize latency). The PATCH itself succeeds whenever
 * validation passes, as in Kubernetes; Deferred and Infeasible come back as Applied outcomes and in the
 * pod's resize status.
 */
export class SimActuator implements Actuator {
  constructor(
    private readonly c: SimCluster,
    private readonly nowT: () => number,
  ) {}

  apply(action: Action, opts: { readonly dryRun: boolean }): Promise<Result<Applied, ActuationError>> {
    return Promise.resolve(this.applySync(action, opts.dryRun));
  }

  applySync(action: Action, dryRun: boolean): Result<Applied, ActuationError> {
    const result = this.act(action, dryRun);
    // The controller records an Event for whatever comes back (kube-actuator.ts), coalesced into series
    // by its recorder: counted as it writes them (event-writes.ts).
    const T = this.nowT();
    if (!dryRun && action.kind === 'resize') this.c.events.record(action.pod, eventFor(action, result), traceMs(T), this.c.scored(T));
    return result;
  }

  private act(action: Action, dryRun: boolean): Result<Applied, ActuationError> {
    if (action.kind !== 'resize') {
      return err({ action, code: 'not-found', message: 'the resize scenario has no ScaledObjects', retryable: false });
    }
    const pod = this.c.byKey.get(`${action.pod.namespace}/${action.pod.name}`);
    if (pod === undefined) return err({ action, code: 'not-found', message: `pods "${action.pod.name}" not found`, retryable: false });
    if (action.container !== SIM_CONTAINER) {
      return err({ action, code: 'invalid', message: `container "${action.container}" not found in pod`, retryable: false });
    }
    const T = this.nowT();
    const scored = this.c.scored(T);
    // Acting, the controller sends the PATCH (its Event is counted in applySync).
    if (scored && !dryRun) this.c.score.apiPatches++;
    const invalid = validate(pod, action);
    if (invalid !== undefined) return err({ action, code: 'invalid', message: invalid, retryable: false });
    if (dryRun) return ok({ outcome: 'dry-run', action });
    pod.specReqMem = action.requests.memBytes;
    pod.specReqCpu = action.requests.cpuCores;
    pod.specLimMem = action.limits.memBytes;
    pod.specLimCpu = action.limits.cpuCores;
    if (scored) this.c.score.resizes++;
    const phase = admitResize(this.c, pod, T);
    if (phase !== ResizePhase.None && !pod.inResizeList) {
      pod.inResizeList = true;
      this.c.resizing.push(pod);
    }
    if (phase === ResizePhase.Deferred) {
      if (scored) this.c.score.resizesDeferred++;
      return ok({ outcome: 'deferred', action, message: pod.resizeMessage });
    }
    if (phase === ResizePhase.Infeasible) {
      if (scored) this.c.score.resizesInfeasible++;
      return ok({ outcome: 'infeasible', action, message: pod.resizeMessage });
    }
    return ok({ outcome: 'applied', action });
  }
}

/** The API server's checks on a resize (pod-create validation plus the resize-specific rules). */
function validate(pod: SimPod, a: Extract<Action, { kind: 'resize' }>): string | undefined {
  const { requests: r, limits: l } = a;
  if (![r.memBytes, r.cpuCores, l.memBytes, l.cpuCores].every((v) => Number.isFinite(v) && v >= 0)) return 'resource quantities must be finite and non-negative';
  return validateShape(pod, r, l);
}

function validateShape(pod: SimPod, r: Resources, l: Resources): string | undefined {
  if ((pod.specReqMem > 0 && r.memBytes === 0) || (pod.specReqCpu > 0 && r.cpuCores === 0)) return 'resource requests cannot be removed';
  if ((pod.specLimMem > 0 && l.memBytes === 0) || (pod.specLimCpu > 0 && l.cpuCores === 0)) return 'resource limits cannot be removed';
  if (l.memBytes > 0 && r.memBytes > l.memBytes) return 'spec.containers[0].resources.requests: Invalid value: must be less than or equal to memory limit';
  if (l.cpuCores > 0 && r.cpuCores > l.cpuCores) return 'spec.containers[0].resources.requests: Invalid value: must be less than or equal to cpu limit';
  if (qosOf(r, l) !== pod.qos) return 'Pod QOS Class may not change as a result of resizing';
  return undefined;
}
