import { err, ok, type Result } from '../core/result.js';
import type { Policy } from './policy.js';
import { createPredictivePolicy, type PredictiveOptions } from './predictive/index.js';
import { createReactivePolicy, type ReactiveOptions } from './reactive.js';
import { createStaticPolicy, type StaticOptions } from './static.js';
import { createVpaPolicy, type VpaOptions } from './vpa/index.js';

/** Every causal policy's options, as the ConfigMap's `policies` section holds them. */
export interface PolicySettings {
  readonly static: StaticOptions;
  readonly vpa: VpaOptions;
  readonly reactive: ReactiveOptions;
  readonly predictive: PredictiveOptions;
}

export const POLICY_NAMES = ['static', 'vpa', 'reactive', 'predictive'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Builds a policy by name, the way KEDA's builder picks a scaler by its trigger type. */
export function createPolicy(name: string, settings: PolicySettings): Result<Policy, string> {
  switch (name) {
    case 'static':
      return ok(createStaticPolicy(settings.static) as Policy);
    case 'vpa':
      return ok(createVpaPolicy(settings.vpa) as Policy);
    case 'reactive':
      return ok(createReactivePolicy(settings.reactive) as Policy);
    case 'predictive':
      return ok(createPredictivePolicy(settings.predictive) as Policy);
    default:
      return err(`unknown policy '${name}' (known: ${POLICY_NAMES.join(', ')})`);
  }
}
