/**
 * How the ConfigMap's `keda` section reaches the actuators: keda.mode picks between patching
 * ScaledObjects and leaving them as Git holds them, and keda.triggerMetadata feeds the patch path.
 * Both are read at each apply, so a ConfigMap reload takes effect without a restart.
 */
import type { Config } from '../../config/index.js';
import { ok } from '../../core/result.js';
import type { Actuator } from '../../engine/ports.js';
import type { KedaActuatorOptions } from './keda-actuator.js';

/** The KedaActuator's options with keda.triggerMetadata read from the live config. */
export function triggerMetadataFrom(config: () => Pick<Config, 'keda'>): KedaActuatorOptions {
  return {
    get triggerMetadata() {
      return config().keda.triggerMetadata;
    },
  };
}

/**
 * keda.mode 'externalScaler': the forecast reaches KEDA as a trigger (src/adapters/keda), so a
 * ScaledObject kept in Git is never patched, in dry-run too: a scale action is deferred with that
 * reason, before any API call or Event (it would repeat every tick of a burst).
 */
export function kedaByMode(config: () => Pick<Config, 'keda'>, inner: Actuator): Actuator {
  return {
    apply: (action, opts) =>
      action.kind === 'scale' && config().keda.mode !== 'patch'
        ? Promise.resolve(
            ok({
              outcome: 'deferred' as const,
              action,
              message: `keda.mode is externalScaler: minReplicaCount stays as in Git (forecast ${action.minReplicas}); the forecast is served as the ScaledObject's trigger`,
            }),
          )
        : inner.apply(action, opts),
  };
}
