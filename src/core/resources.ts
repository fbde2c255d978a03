import type { QosClass, Resources } from './types.js';

export const MiB = 1024 * 1024;

/** The resource names of a Resources value, memory first (the one that kills). */
export type ResourceName = keyof Resources;
export const RESOURCE_NAMES: readonly ResourceName[] = ['memBytes', 'cpuCores'];
export const GiB = 1024 * MiB;

/** Element-wise maximum. */
export function maxRes(a: Resources, b: Resources): Resources {
  return { memBytes: Math.max(a.memBytes, b.memBytes), cpuCores: Math.max(a.cpuCores, b.cpuCores) };
}

/** Element-wise minimum. */
export function minRes(a: Resources, b: Resources): Resources {
  return { memBytes: Math.min(a.memBytes, b.memBytes), cpuCores: Math.min(a.cpuCores, b.cpuCores) };
}

/** Scales both resources by a factor. */
export function scaleRes(a: Resources, f: number): Resources {
  return { memBytes: a.memBytes * f, cpuCores: a.cpuCores * f };
}

/** True when both resources are equal. */
export function sameRes(a: Resources, b: Resources): boolean {
  return a.memBytes === b.memBytes && a.cpuCores === b.cpuCores;
}

/**
 * QoS class as Kubernetes derives it for a single-container pod: Guaranteed when requests equal limits
 * for both resources, BestEffort when nothing is set (zero here), otherwise Burstable.
 */
export function qosOf(requests: Resources, limits: Resources): QosClass {
  if (requests.memBytes === 0 && requests.cpuCores === 0 && limits.memBytes === 0 && limits.cpuCores === 0) {
    return 'BestEffort';
  }
  if (requests.memBytes === limits.memBytes && requests.cpuCores === limits.cpuCores && limits.memBytes > 0) {
    return 'Guaranteed';
  }
  return 'Burstable';
}

/** Rounds memory up to whole MiB and CPU up to whole millicores, as a controller writes quantities. */
export function roundUpRes(a: Resources): Resources {
  return { memBytes: Math.ceil(a.memBytes / MiB) * MiB, cpuCores: Math.ceil(a.cpuCores * 1000 - 1e-9) / 1000 };
}
