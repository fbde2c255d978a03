import { MiB } from '../src/core/resources.js';
import type { Resources } from '../src/core/types.js';
import type { EngineConfig } from '../src/engine/engine-config.js';
import type { Policy, Recommendation } from '../src/policy/policy.js';
import type { SimSettings } from './replay-types.js';

/** What the simulator tells the oracle: a pod's true peak demand over its next seconds of work. */
export interface Lookahead {
  peakAhead(podKey: string, horizonS: number): Resources | undefined;
}

export interface OracleOptions {
  /** How far ahead to size for: a decision must hold until the next one can land. */
  readonly horizonS: number;
  /** Headroom above the true peak (0: exactly the peak; the engine rounds up to whole MiB / millicores). */
  readonly marginFraction: number;
}

/** A policy that needs the simulator's lookahead before its first tick. */
export interface LookaheadPolicy<S = unknown> extends Policy<S> {
  connect(lookahead: Lookahead): void;
}

/** True for policies that want the lookahead (the oracle). */
export function wantsLookahead(p: Policy): p is LookaheadPolicy {
  return typeof (p as Partial<LookaheadPolicy>).connect === 'function';
}

/**
 * The actuation horizon: a limit chosen now lands after the resize latency and must hold until the next
 * tick's decision lands; the scrape lag is added because a causal policy also has to bridge it, and
 * the oracle is meant as the floor those policies are measured against.
 */
export function oracleHorizonS(sim: SimSettings, engine: EngineConfig): number {
  return engine.tickIntervalS + sim.scrapeLagS + sim.resizeLatencyS;
}

/**
 * `oracle`, bench only: it knows the future. Every tick it sizes each pod's requests and limits to the
 * pod's true peak demand over the actuation horizon, read from the simulator. It goes through the same
 * engine tick and guards as every other policy, so it is the floor no causal policy can beat under the
 * same rails, and the gap to it is the number to shrink.
 */
export function createOraclePolicy(opts: OracleOptions): LookaheadPolicy<null> {
  let lookahead: Lookahead | undefined;
  return {
    name: 'oracle',
    connect(l: Lookahead): void {
      lookahead = l;
    },
    init: () => null,
    observe: () => undefined,
    recommend(_s, ctx): Recommendation[] {
      if (lookahead === undefined) return [];
      const out: Recommendation[] = [];
      const f = 1 + opts.marginFraction;
      for (const pod of ctx.pods) {
        const peak = lookahead.peakAhead(pod.key, opts.horizonS);
        if (peak === undefined || peak.memBytes <= 0) continue;
        const mem = peak.memBytes * f;
        const cpu = Math.max(0.001, peak.cpuCores * f);
        out.push({
          kind: 'resize',
          pod: pod.key,
          requests: { memBytes: mem, cpuCores: cpu },
          limits: { memBytes: mem, cpuCores: pod.limits.cpuCores > 0 ? cpu * 1.25 : 0 },
          reason: `oracle: true peak over the next ${opts.horizonS}s is ${Math.round(peak.memBytes / MiB)}Mi / ${Math.round(peak.cpuCores * 1000)}m`,
          inputs: { horizonS: opts.horizonS, peakMemBytes: peak.memBytes, peakCpuCores: peak.cpuCores },
        });
      }
      return out;
    },
  };
}
