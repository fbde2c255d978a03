import type { Resources } from '../../src/core/types.js';
import type { AdmissionRequest, AdmissionResponse } from '../../src/policy/policy.js';
import type { SimSettings } from '../replay/replay-types.js';
import type { SimTuning } from './defaults.js';
import type { HintChannel } from './hints.js';

/** Per-session score the report's distributions read. */
export interface SessionScore {
  readonly session: string;
  readonly memSlack: number;
  readonly peakMem: number;
  /** Peak memory held (demand capped at the enforced limit, where the kernel kills): what a cgroup's max_usage shows. */
  readonly peakHeldMem: number;
  readonly oomKills: number;
}

/**
 * A mutating admission webhook: sees a pod at creation, before scheduling, and may set its resources
 * (VPA's admission controller). `T` is the trace time in seconds.
 */
export type AdmissionHook = (pod: AdmissionRequest, T: number) => AdmissionResponse | undefined;

/** Options of one simulated cluster. */
export interface ClusterOptions {
  readonly sim: SimSettings;
  readonly tuning: SimTuning;
  readonly namespace: string;
  readonly seed: number;
  readonly warmupS: number;
  readonly timelineSessions: number;
  /**
   * The pod template's resources per agent class, as the deployment (or an admission webhook) sets
   * them at pod creation; `sim.initial` for classes it leaves out. A policy that is a fixed per-class
   * sizing (static-tuned) ships it in the template, as an engineer would.
   */
  readonly podTemplate?: (agentClass: string) => PodResources | undefined;
  /** `--hints`: the harness announces each tool start a pod reaches on this channel. */
  readonly hints?: HintChannel;
}

/** Requests and limits of a pod template. */
export interface PodResources {
  readonly requests: Resources;
  readonly limits: Resources;
}
