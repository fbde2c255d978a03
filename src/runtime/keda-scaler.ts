/**
 * Starts KEDA's external scaler next to the controller when keda.externalScaler.port is set: the
 * composition of the gRPC service (src/adapters/keda) with the live policy state, the leader check and
 * the config. The port and TLS files are read once at start (a change needs a restart).
 */
import type { Config } from '../config/index.js';
import type { EngineState } from '../engine/tick.js';
import type { Policy } from '../policy/policy.js';
import { resolvePredictiveOptions } from '../policy/predictive/index.js';
import { readScalerTls, startExternalScaler, type ExternalScalerServer } from '../adapters/keda/external-scaler.js';

export interface KedaScalerDeps {
  readonly config: () => Config;
  /** Policy and state are swapped on a policy change: read them on every call. */
  readonly policy: () => Policy;
  readonly state: () => EngineState;
  readonly nowMs: () => number;
  readonly leading: () => boolean;
  readonly host: string;
  readonly logger: { warn(obj: object, msg: string): void };
  /** Counts each RPC KEDA makes (burstguard_keda_scaler_calls_total). */
  readonly onCall?: (method: string, code: string) => void;
}

/** Undefined when the port is 0 (off). Throws with the field at fault on unreadable TLS files. */
export async function startKedaScaler(d: KedaScalerDeps): Promise<ExternalScalerServer | undefined> {
  const c = d.config().keda.externalScaler;
  if (c.port === 0) return undefined;
  const tls = readScalerTls(c);
  return startExternalScaler({
    port: c.port,
    host: d.host,
    ...(tls ? { tls } : {}),
    logger: d.logger,
    ...(d.onCall ? { onCall: d.onCall } : {}),
    demand: (cls) => d.policy().demand?.(d.state().policyState, cls, d.nowMs()),
    sessionsPerReplica: () => resolvePredictiveOptions(d.config().policies.predictive).sessionsPerReplica,
    serving: () => {
      if (!d.leading()) return { ok: false, reason: 'this replica is not the leader (only the leader ticks and forecasts)' };
      if (!d.policy().demand) return { ok: false, reason: `policy '${d.policy().name}' forecasts no arrivals (use policy: predictive)` };
      return { ok: true };
    },
  });
}
