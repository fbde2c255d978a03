import type { Action, PodView, Resources } from '../core/types.js';

/**
 * The kubelet's verdict on a resize the API server accepted. A PATCH that succeeds only changes the
 * spec; the kubelet then applies it (status.containerStatuses[].resources follows within ~100 ms on a
 * real node), or says PodResizeInProgress with no reason while it works (or retries), or refuses it
 * with reason Error (a memory-limit decrease below usage, after ~12 s). Counting the PATCH as "applied"
 * counted refusals as successes (issue 11: 6 of 104). So the engine keeps the last resize sent per pod
 * and reads the verdict from the pod on later ticks:
 *   - applied:      spec and status agree on the action's values and no resize condition is up;
 *   - in-progress:  PodResizeInProgress with no reason (reported once per action, the wait goes on);
 *   - error:        PodResizeInProgress with reason Error (the kubelet kept the previous resources);
 *   - superseded:   a newer action replaced it before any verdict.
 */
export type Verdict = 'applied' | 'in-progress' | 'error' | 'superseded';

/** A resize sent and not yet judged. */
export interface AwaitedResize {
  readonly action: Extract<Action, { kind: 'resize' }>;
  readonly sentMs: number;
  /** 'in-progress' once reported, so it is reported once. */
  reported?: Verdict;
}

/** Quantities are written in whole MiB and millicores: values within that agree. Unset (0) wanted values are not compared. */
function same(have: Resources, want: Resources): boolean {
  return (want.memBytes <= 0 || Math.abs(have.memBytes - want.memBytes) < 2 ** 20) && (want.cpuCores <= 0 || Math.abs(have.cpuCores - want.cpuCores) < 0.0015);
}

/**
 * The verdict the pod now shows on the awaited resize, or undefined while there is nothing new to say.
 * Only resource fields the action sets (> 0) are compared.
 */
export function readVerdict(w: AwaitedResize, pod: PodView): { verdict: Verdict; message: string } | undefined {
  const a = w.action;
  if (pod.resize.phase === 'error') return { verdict: 'error', message: pod.resize.message };
  const specMatches = same(pod.limits, a.limits) && same(pod.requests, a.requests);
  if (!specMatches) return { verdict: 'superseded', message: 'the pod spec no longer carries this resize' };
  if (pod.resize.phase === 'in-progress') return w.reported === 'in-progress' ? undefined : { verdict: 'in-progress', message: 'PodResizeInProgress, no reason yet' };
  if (pod.resize.phase !== 'none') return undefined; // Deferred/Infeasible have their own paths
  const actual = pod.actualLimits ?? pod.limits;
  return same(actual, a.limits) ? { verdict: 'applied', message: 'spec and status agree' } : undefined;
}

/** The kubelet's message for a memory decrease stuck after a container restart (real-node quirk). */
export const MISSING_USAGE_QUIRK = /missing container .*memory usage/i;
