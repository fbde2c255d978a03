import type { Result } from '../core/result.js';
import type { Action, ActuationError, AgentSample, Applied, PodView, ScaledObjectView } from '../core/types.js';

/** The time source: Date.now in the controller, a virtual clock in the bench. Epoch ms. */
export interface Clock {
  now(): number;
}

/** A structured logger; pino's instance satisfies it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The window of samples a tick asks for. */
export interface MetricQuery {
  readonly namespace: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepS: number;
  /**
   * Keys (`namespace/name`) of the pods in the cluster view the tick acts on. A source that reads back
   * from each pod's newest sample (Prometheus's raw reads) lets only these hold its window back: a
   * deleted pod's last sample would otherwise stretch every read to ten minutes for all pods.
   */
  readonly livePods?: ReadonlySet<string>;
}

export interface SourceError {
  readonly source: string;
  readonly message: string;
  /** The query or endpoint at fault, when there is one. */
  readonly query?: string;
}

/** Where samples come from: Prometheus in the controller, lagged scrapes of the simulator in the bench. */
export interface MetricSource {
  readonly name: string;
  /** A constant number of backend queries whatever the number of pods. */
  fetch(q: MetricQuery, signal: AbortSignal): Promise<Result<AgentSample[], SourceError>>;
}

/** The pods and ScaledObjects the engine may act on. */
export interface ClusterSnapshot {
  readonly pods: readonly PodView[];
  readonly scaledObjects: readonly ScaledObjectView[];
}

export interface ClusterView {
  snapshot(namespace: string): Promise<Result<ClusterSnapshot, SourceError>>;
}

/** Applies actions: pods/resize and ScaledObject patches in the cluster, the simulator in the bench. */
export interface Actuator {
  apply(action: Action, opts: { readonly dryRun: boolean; readonly signal: AbortSignal }): Promise<Result<Applied, ActuationError>>;
}

/** Hooks the tick reports through (prom-client in the controller, counters in the bench). */
export interface TickObserver {
  tickDone?(report: { readonly durationMs: number; readonly actions: number; readonly skipped: number }): void;
  actionDone?(action: Action, outcome: string): void;
  /** The kubelet's verdict on a resize sent earlier (applied, in-progress, error, superseded). */
  resizeVerdict?(action: Action, verdict: string): void;
  skipped?(pod: string, reason: string): void;
  /** Every tick: running pods without samples for several ticks; `newly` just crossed the threshold. */
  samplelessPods?(report: { readonly without: readonly string[]; readonly newly: readonly string[]; readonly causes: string }): void;
  sourceFailed?(error: SourceError): void;
}
