/**
 * The pure core's vocabulary. Everything here is plain data: serialisable, comparable, and free of I/O,
 * so the controller and the bench can pass the same values through the same tick.
 *
 * Units: memory in bytes, CPU in cores (fractional), time in epoch milliseconds (`…Ms`) unless a name
 * says seconds (`…S`).
 */

/** CPU and memory, the only two resources in-place resize can change. */
export interface Resources {
  readonly memBytes: number;
  readonly cpuCores: number;
}

/** A namespaced object. */
export interface ObjRef {
  readonly namespace: string;
  readonly name: string;
}

/** A pod, named by namespace and name (the key the engine keeps state under is `${namespace}/${name}`). */
export type PodRef = ObjRef;

/** Kubernetes QoS class; a resize must never change it. */
export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/**
 * One observation of one agent pod, as a controller would see it after a scrape: the interval ends at
 * `tMs`. Optional agent signals are absent when unknown, never zero (as in trace format v1).
 */
export interface AgentSample {
  /** Pod key `${namespace}/${name}`. */
  readonly pod: string;
  readonly tMs: number;
  readonly memBytes: number;
  readonly cpuCores: number;
  /** Context size at the latest model call. */
  readonly contextTokens?: number;
  /** Counts in the interval ending at tMs. */
  readonly toolCalls?: number;
  readonly toolRetries?: number;
  readonly toolErrors?: number;
  /** Tool or tool category in flight at tMs, e.g. `Bash:test`. */
  readonly tool?: string;
  readonly agentClass?: string;
}

/**
 * The state of an in-place resize as read back from pod status conditions
 * (PodResizePending reason Deferred/Infeasible, PodResizeInProgress with or without reason Error).
 */
export type ResizeState =
  | { readonly phase: 'none' }
  | { readonly phase: 'in-progress' }
  | { readonly phase: 'deferred'; readonly message: string }
  | { readonly phase: 'infeasible'; readonly message: string }
  | { readonly phase: 'error'; readonly message: string };

/** What the engine knows of a target pod from the cluster (informer cache or simulator). */
export interface PodView {
  readonly ref: PodRef;
  /** `${namespace}/${name}`, the key samples and state use. */
  readonly key: string;
  readonly agentClass: string;
  /** The container burstguard sizes (agent pods have one main container). */
  readonly container: string;
  readonly nodeName?: string;
  readonly qos: QosClass;
  /** Desired resources in the pod spec. */
  readonly requests: Resources;
  readonly limits: Resources;
  /** Resources the runtime reports as applied (status.containerStatuses[].resources); spec when unknown. */
  readonly actualLimits?: Resources;
  readonly actualRequests?: Resources;
  /**
   * The pod's controller (its ownerReference with controller: true), e.g. an agent-sandbox Sandbox,
   * whose template burstguard keeps in step with in-place resizes (docs/agent-sandbox.md).
   */
  readonly owner?: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly uid?: string };
  readonly resize: ResizeState;
  readonly running: boolean;
  readonly startedAtMs: number;
  readonly restarts: number;
  /** When the container was last OOM-killed, if ever. */
  readonly lastOomAtMs?: number;
  /** Allocatable of the pod's node, when known: the ceiling above which a resize is Infeasible. */
  readonly nodeAllocatable?: Resources;
}

/** A KEDA ScaledObject the engine may pre-scale. */
export interface ScaledObjectView {
  readonly ref: ObjRef;
  readonly agentClass: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The minReplicaCount found before burstguard touched it, restored after the burst. */
  readonly originalMinReplicas: number;
  /** The most replicas burstguard may pre-warm to (the ConfigMap's maxPrewarmReplicas); maxReplicas when absent. */
  readonly prewarmCap?: number;
}

/** Numbers behind a decision, printed by logs, Events, dry-run output and the bench report. */
export type ActionInputs = Readonly<Record<string, number | string | boolean>>;

/** What the engine decided to do. Every action carries its reason and the numbers behind it. */
export type Action =
  | {
      readonly kind: 'resize';
      readonly pod: PodRef;
      readonly container: string;
      readonly requests: Resources;
      readonly limits: Resources;
      readonly policy: string;
      readonly reason: string;
      readonly inputs: ActionInputs;
    }
  | {
      readonly kind: 'scale';
      readonly scaledObject: ObjRef;
      readonly minReplicas: number;
      readonly policy: string;
      readonly reason: string;
      readonly inputs: ActionInputs;
    };

/** How an actuation ended. */
export type Applied =
  | { readonly outcome: 'applied'; readonly action: Action }
  /** Accepted by the API server, the kubelet's verdict not yet in: the engine reads it later (src/engine/verdict.ts). */
  | { readonly outcome: 'pending'; readonly action: Action }
  | { readonly outcome: 'dry-run'; readonly action: Action }
  | { readonly outcome: 'deferred'; readonly action: Action; readonly message: string }
  | { readonly outcome: 'infeasible'; readonly action: Action; readonly message: string };

/** Why an actuation failed; `retryable` tells the engine whether a later tick may try again. */
export interface ActuationError {
  readonly action: Action;
  readonly code: 'conflict' | 'forbidden' | 'invalid' | 'not-found' | 'unavailable' | 'refused' | 'unknown';
  readonly message: string;
  readonly retryable: boolean;
}

/** A pod the tick passed over, and why. */
export interface Skipped {
  readonly pod: string;
  readonly reason: string;
}
