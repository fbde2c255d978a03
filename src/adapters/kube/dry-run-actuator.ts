import { ok, type Result } from '../../core/result.js';
import type { Action, ActuationError, Applied } from '../../core/types.js';
import type { Clock, Logger } from '../../engine/ports.js';
import { apiFailure } from './api-errors.js';
import type { PodApi } from './apis.js';

/** Pod annotation holding the latest dry-run recommendation (JSON), when annotations are enabled. */
export const RECOMMENDATION_ANNOTATION = 'burstguard.io/recommendation';

export interface DryRunOptions {
  /**
   * Also write the recommendation as a pod annotation. Off by default: it needs `patch` on pods, a
   * far wider right than `pods/resize` (it could change labels or images), so the least-privilege Role
   * leaves it out and the Helm value `dryRun.annotatePods` adds it. Events and metrics are always written.
   */
  readonly annotatePods: boolean;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * dryRun: recommend, never change. The recommendation reaches the user as an Event (written by the
 * composite actuator, reason BurstguardDryRun), a metric (the tick observer) and optionally an
 * annotation; requests, limits and minReplicaCount are never touched.
 */
export class DryRunActuator {
  constructor(
    private readonly pods: PodApi | undefined,
    private readonly opts: DryRunOptions,
  ) {}

  async apply(action: Action): Promise<Result<Applied, ActuationError>> {
    if (this.opts.annotatePods && this.pods && action.kind === 'resize') {
      const body = { metadata: { annotations: { [RECOMMENDATION_ANNOTATION]: recommendationJson(action, this.opts.clock.now()) } } };
      try {
        await this.pods.patchMetadata(action.pod.namespace, action.pod.name, body);
      } catch (e) {
        // The recommendation still reaches the user as an Event; an annotation failure is not an action failure.
        const f = apiFailure(e);
        this.opts.log.warn({ pod: `${action.pod.namespace}/${action.pod.name}`, status: f.status, err: f.message }, 'could not annotate the dry-run recommendation');
      }
    }
    return ok({ outcome: 'dry-run', action });
  }
}

/** The annotation's value: what would have been set, why, and when. */
export function recommendationJson(action: Extract<Action, { kind: 'resize' }>, nowMs: number): string {
  return JSON.stringify({
    at: new Date(nowMs).toISOString(),
    container: action.container,
    requests: { memBytes: Math.ceil(action.requests.memBytes), cpuCores: action.requests.cpuCores },
    limits: { memBytes: Math.ceil(action.limits.memBytes), cpuCores: action.limits.cpuCores },
    policy: action.policy,
    reason: action.reason,
  });
}
