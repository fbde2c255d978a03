import { err, ok, type Result } from '../../src/core/result.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Policy } from '../../src/policy/policy.js';
import { createPolicy, type PolicySettings } from '../../src/policy/registry.js';
import { createReplicasOracle } from './oracle.js';
import type { ReplicasSettings } from './settings.js';

/** The policies a `replicas` replay offers (shared design BENCH.md). */
export const REPLICAS_POLICY_NAMES: readonly string[] = ['keda', 'predictive', 'static', 'oracle'];

/** What one row of a replicas replay runs: the policy beside KEDA, and whether KEDA scales at all. */
export interface ReplicasRun {
  readonly policy: Policy;
  readonly autoscaler: 'keda' | 'fixed';
}

const nothing = (name: string): Policy<null> => ({ name, init: () => null, observe: () => undefined, recommend: () => [] });

/**
 * Builds a replicas row by name: `keda` is KEDA + HPA alone; `static` a fixed pool; `oracle` KEDA plus
 * the pre-warming oracle; any other name is a product policy (e.g. `predictive`) ticking beside KEDA,
 * whose `scale` recommendations move minReplicaCount.
 */
export function replicasRun(name: string, settings: ReplicasSettings, engine: EngineConfig, policies: PolicySettings): Result<ReplicasRun, string> {
  switch (name) {
    case 'keda':
      return ok({ policy: nothing('keda'), autoscaler: 'keda' });
    case 'static':
      return ok({ policy: nothing('static'), autoscaler: 'fixed' });
    case 'oracle': {
      const horizonS = settings.coldStartS + settings.pollingIntervalS + engine.tickIntervalS;
      return ok({ policy: createReplicasOracle({ horizonS, sessionsPerReplica: settings.sessionsPerReplica }), autoscaler: 'keda' });
    }
    default: {
      const p = createPolicy(name, policies);
      return p.ok ? ok({ policy: p.value, autoscaler: 'keda' }) : err(`${p.error}; the replicas scenario also offers keda and oracle`);
    }
  }
}
