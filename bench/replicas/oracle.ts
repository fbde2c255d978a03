import type { Policy, Recommendation } from '../../src/policy/policy.js';

/** What the replicas simulator tells the oracle: sessions wanting a slot within the next seconds. */
export interface ReplicasLookahead {
  demandAhead(horizonS: number): number;
}

/**
 * The bench-only `oracle` of the replicas scenario: it knows the arrivals ahead and, every tick, sets
 * each ScaledObject's minReplicaCount to the slots the sessions in the system and those arriving within
 * the horizon (cold start + KEDA polling + tick) will need, never below the deployed minimum. KEDA and
 * the HPA still do the scaling; the oracle only pre-warms, as burstguard does.
 */
export function createReplicasOracle(opts: { readonly horizonS: number; readonly sessionsPerReplica: number }): Policy<null> & { connect(l: ReplicasLookahead): void } {
  let lookahead: ReplicasLookahead | undefined;
  return {
    name: 'oracle',
    connect(l: ReplicasLookahead): void {
      lookahead = l;
    },
    init: () => null,
    observe: () => undefined,
    recommend(_s, ctx): Recommendation[] {
      if (lookahead === undefined) return [];
      const need = Math.ceil(lookahead.demandAhead(opts.horizonS) / opts.sessionsPerReplica);
      const out: Recommendation[] = [];
      for (const so of ctx.scaledObjects) {
        const min = Math.min(so.maxReplicas, Math.max(so.originalMinReplicas, need));
        if (min === so.minReplicas) continue;
        out.push({ kind: 'scale', scaledObject: so.ref, minReplicas: min, reason: `oracle: ${need} replicas busy within ${opts.horizonS}s`, inputs: { need, horizonS: opts.horizonS } });
      }
      return out;
    },
  };
}
