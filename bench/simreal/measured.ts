/**
 * The simulator's knobs as the real node showed them, pooled over a run's policies: cAdvisor's cadence
 * and lag, the resize latency, and the restart timing after an OOM kill. Pure.
 */
import { summarize, type RealExtras } from './figures.js';
import type { SimSide } from './simulate.js';

/** The simulator's step: a resize latency up to it lands at the next step, whatever its exact value. */
const STEP_S = 1;

/**
 * - scrape interval: the median gap between cAdvisor samples, in whole seconds (the simulator steps in
 *   seconds), at least 1;
 * - scrape lag: the median time from a sample's stamp to Prometheus returning it, whole seconds;
 * - resize latency: the p90 of PATCH → container cgroup in seconds (0.01 s resolution); below the 1 s
 *   step this means "at the next step" in the simulator;
 * - restart: the simulator restarts after a first kill at its next step (the kubelet has no back-off
 *   yet; measured 1–2 s at the status's 1 s resolution) and after the k-th kill after initial·2^(k−2)
 *   s. `initial` is the least-squares fit of that curve to every measured later restart (whole seconds;
 *   10 s when none was seen): the kubelet's constant is 10 s, and its pod worker notices the back-off's
 *   end a few seconds late, which the fit takes in.
 */
export function simSideFrom(real: readonly RealExtras[], base: Pick<SimSide, 'nodeAllocatable' | 'drainS'>): SimSide {
  const pooled = (pick: (r: RealExtras) => number | undefined): number | undefined => {
    const xs = real.map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return xs.length === 0 ? undefined : summarize(xs, 3).median;
  };
  const interval = pooled((r) => (r.cadvisorIntervalS.n > 0 ? r.cadvisorIntervalS.median : undefined)) ?? 15;
  const lag = pooled((r) => (r.cadvisorLagS.n > 0 ? r.cadvisorLagS.median : undefined)) ?? 10;
  const latencyMs = pooled((r) => (r.resizeToCgroupMs.n > 0 ? r.resizeToCgroupMs.p90 : undefined));
  const later = real.flatMap((r) => r.restartDelaysS.filter((d) => d.kill >= 2));
  // Least squares of delay = initial · w with w = 2^(k−2): initial = Σ w·d / Σ w².
  const w = (k: number): number => 2 ** (k - 2);
  const fit = later.reduce((a, d) => a + w(d.kill) * d.delayS, 0) / later.reduce((a, d) => a + w(d.kill) ** 2, 0);
  return {
    ...base,
    scrapeIntervalS: Math.max(1, Math.round(interval)),
    scrapeLagS: Math.max(0, Math.round(lag)),
    resizeLatencyS: latencyMs === undefined ? STEP_S : Math.round(latencyMs / 10) / 100,
    oomBackoffS: { initial: later.length > 0 ? Math.max(1, Math.round(fit)) : 10, max: 300 },
  };
}
