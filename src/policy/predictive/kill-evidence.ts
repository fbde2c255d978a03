/**
 * What an OOM kill proves about the burst that caused it. A kill is the class's largest bursts showing
 * themselves, and the scrapes never see them: the container dies at the peak and its next samples are
 * a restart. The horizons open at the kill would otherwise close on those samples and enter the class's
 * excess distribution, the one that prices requests on the node (effective-request.ts), as tame ones:
 * the distribution is censored exactly where the node's risk is. Measured at 4x8Gi `--scale 20 --cv 5`:
 * claude-code-local-model's copies of one session spike +0.8–1.2Gi at ages 1,859–2,068 s; each spike
 * was a node OOM kill, ten in a row on nodes of five pods requesting ~usage, the class's requests never
 * moved, and its memory limits climbed to the node's 8Gi (the OOM memory raises limits, which cannot
 * help when the node runs out first).
 *
 * The controller cannot tell a kill at the container's limit from a kill by the node's kernel (both
 * report OOMKilled), but either way the peak was at least the lower of the two lines: the limit in force,
 * and the node's allocatable less what its other pods used at their last scrape (for the kernel to act,
 * the pods together passed allocatable). That bound is what the open horizons get: they are scored at
 * the kill, into the class's KILL_STRATUM.
 *
 * That stratum prices requests (effective-request.ts sums every stratum) and sets no limit: no pod is
 * ever in that state, and limits already carry the kill through the OOM memory (oom-share.ts). In the
 * pods' own tool-state strata the kill raised every idle pod's limit target to the burst: measured on
 * mini-swe-agent at 4x8Gi `--scale 4 --cv 5`, one kill gave 96 limit-raise writes in its fold (27 before),
 * 5.4 → 10.3 writes per pod-hour, for no disruption fewer.
 */
import type { PodView } from '../../core/types.js';

/** The stratum of the horizons scored at a kill: a state no pod is in, so it prices requests and sets no limit. */
export const KILL_STRATUM = '(oom-kill)';

/** One other pod's last scraped usage on the killed pod's node. */
export interface NodeNeighbour {
  readonly usageBytes: number;
}

/**
 * The lowest peak the kill proves: min(limit in force, node allocatable − Σ neighbours' usage). With the
 * node unknown, the limit alone (a kill at the limit is then the only line the controller can draw).
 */
export function killPeakBound(limitBytes: number, nodeAllocatableBytes: number | undefined, neighbours: readonly NodeNeighbour[]): number {
  if (nodeAllocatableBytes === undefined || nodeAllocatableBytes <= 0) return limitBytes;
  let others = 0;
  for (const n of neighbours) others += Math.max(0, n.usageBytes);
  return Math.max(0, Math.min(limitBytes, nodeAllocatableBytes - others));
}

/** The last scraped usage of the other sampled pods on `pod`'s node. */
export function nodeNeighbours(pods: readonly PodView[], tracks: ReadonlyMap<string, { readonly samples: number; readonly lastMem: number }>, pod: PodView): NodeNeighbour[] {
  if (pod.nodeName === undefined) return [];
  const out: NodeNeighbour[] = [];
  for (const p of pods) {
    const t = p.key !== pod.key && p.nodeName === pod.nodeName ? tracks.get(p.key) : undefined;
    if (t && t.samples > 0) out.push({ usageBytes: t.lastMem });
  }
  return out;
}
