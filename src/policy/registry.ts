import { err, ok, type Result } from '../core/result.js';
import type { Policy } from './policy.js';
import { createPredictivePolicy, DEFAULT_PREDICTIVE_OPTIONS, type PredictiveOptions } from './predictive/index.js';
import { createReactivePolicy, DEFAULT_REACTIVE_OPTIONS, type ReactiveOptions } from './reactive.js';
import { createStaticPolicy, DEFAULT_STATIC_OPTIONS, type StaticOptions } from './static.js';
import { createVpaPolicy, DEFAULT_VPA_OPTIONS, type VpaOptions } from './vpa/index.js';

/** Every causal policy's options, as the ConfigMap's `policies` section holds them. */
export interface PolicySettings {
  readonly static: StaticOptions;
  readonly vpa: VpaOptions;
  readonly reactive: ReactiveOptions;
  readonly predictive: PredictiveOptions;
}

export const POLICY_NAMES = ['static', 'vpa', 'vpa-requests-only', 'reactive', 'predictive'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Each policy's own defaults, for callers that need settings without a ConfigMap (tests, the bench). */
export function defaultPolicySettings(): PolicySettings {
  return { static: DEFAULT_STATIC_OPTIONS, vpa: DEFAULT_VPA_OPTIONS, reactive: DEFAULT_REACTIVE_OPTIONS, predictive: DEFAULT_PREDICTIVE_OPTIONS };
}

/** Builds a policy by name, the way KEDA's builder picks a scaler by its trigger type. */
export function createPolicy(name: string, settings: PolicySettings): Result<Policy, string> {
  switch (name) {
    case 'static':
      return ok(createStaticPolicy(settings.static) as Policy);
    case 'vpa':
      return ok(createVpaPolicy(settings.vpa) as Policy);
    case 'vpa-requests-only':
      // The same VPA with controlledValues RequestsOnly: limits stay as the deployment set them.
      return ok(createVpaPolicy(settings.vpa, 'RequestsOnly') as Policy);
    case 'reactive':
      return ok(createReactivePolicy(settings.reactive) as Policy);
    case 'predictive':
      return ok(createPredictivePolicy(settings.predictive) as Policy);
    default:
      return err(`unknown policy '${name}' (known: ${POLICY_NAMES.join(', ')})`);
  }
}
