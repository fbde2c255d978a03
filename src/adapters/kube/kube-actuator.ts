import type { Result } from '../../core/result.js';
import type { Action, ActuationError, Applied } from '../../core/types.js';
import type { Actuator } from '../../engine/ports.js';
import type { DryRunActuator } from './dry-run-actuator.js';
import { eventFor, targetOf, type EventRecorder } from './events.js';
import type { KedaActuator } from './keda-actuator.js';
import type { ResizeActuator } from './resize-actuator.js';

export interface KubeActuatorParts {
  readonly resize: Pick<ResizeActuator, 'apply'>;
  readonly keda: Pick<KedaActuator, 'apply'>;
  readonly dryRun: Pick<DryRunActuator, 'apply'>;
  /** Absent: no Events (tests, or a cluster where the Role lacks events create). */
  readonly events?: Pick<EventRecorder, 'record'>;
}

/**
 * The controller's Actuator: routes resize to pods/resize and scale to the ScaledObject, sends
 * everything to the dry-run actuator when dryRun is on, and records each outcome as an Event on the
 * object it concerns.
 */
export class KubeActuator implements Actuator {
  constructor(private readonly parts: KubeActuatorParts) {}

  async apply(action: Action, opts: { readonly dryRun: boolean; readonly signal: AbortSignal }): Promise<Result<Applied, ActuationError>> {
    let result: Result<Applied, ActuationError>;
    if (opts.dryRun) result = await this.parts.dryRun.apply(action);
    else if (action.kind === 'resize') result = await this.parts.resize.apply(action, opts.signal);
    else result = await this.parts.keda.apply(action, opts.signal);
    await this.parts.events?.record(targetOf(action), eventFor(action, result));
    return result;
  }
}
