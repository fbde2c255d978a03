import { err, ok, type Result } from '../../core/result.js';
import type { Action, ActuationError, Applied } from '../../core/types.js';
import { apiFailure, toActuationError } from './api-errors.js';
import type { ScaledObjectApi } from './apis.js';
import {
  KEDA_DEFAULT_MAX,
  KEDA_DEFAULT_MIN,
  ORIGINAL_MIN_ANNOTATION,
  ORIGINAL_TRIGGERS_ANNOTATION,
  originalMinOf,
  type ScaledObject,
} from './scaled-object-view.js';

export type ScaleAction = Extract<Action, { kind: 'scale' }>;

export interface KedaActuatorOptions {
  readonly maxConflictRetries?: number;
  /**
   * Trigger metadata merged into every trigger while pre-scaled (e.g. a lower `activationThreshold`),
   * put back as it was on restore. Empty or absent: triggers are left alone.
   */
  readonly triggerMetadata?: Readonly<Record<string, string>>;
}

type Trigger = NonNullable<NonNullable<ScaledObject['spec']>['triggers']>[number];

/**
 * Pre-scales a KEDA ScaledObject by JSON merge patch of spec.minReplicaCount. The first raise records
 * the user's value in an annotation; a request at (or below) that value restores it and removes the
 * annotation. Never sets min above spec.maxReplicaCount nor below the original: both are clamped and
 * the clamp is written into the action's reason.
 */
export class KedaActuator {
  private readonly maxRetries: number;

  constructor(
    private readonly api: ScaledObjectApi,
    private readonly opts: KedaActuatorOptions = {},
  ) {
    this.maxRetries = opts.maxConflictRetries ?? 3;
  }

  async apply(action: ScaleAction, signal: AbortSignal): Promise<Result<Applied, ActuationError>> {
    const { namespace, name } = action.scaledObject;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return err({ action, code: 'unavailable', message: 'aborted (shutting down)', retryable: true });
      let so: ScaledObject;
      try {
        so = await this.api.read(namespace, name);
      } catch (e) {
        return err(toActuationError(action, apiFailure(e)));
      }
      const plan = planScale(action, so, this.opts.triggerMetadata ?? {});
      if (plan.body === undefined) return ok({ outcome: 'applied', action: plan.action });
      let after: ScaledObject;
      try {
        after = await this.api.patch(namespace, name, plan.body);
      } catch (e) {
        const f = apiFailure(e);
        if (f.status === 409 && attempt < this.maxRetries) continue;
        return err(toActuationError(action, f));
      }
      const kept = after.spec?.minReplicaCount ?? KEDA_DEFAULT_MIN;
      if (kept !== plan.action.minReplicas) {
        return err({ action: plan.action, code: 'refused', message: `the API server kept minReplicaCount=${kept}, not ${plan.action.minReplicas}`, retryable: false });
      }
      return ok({ outcome: 'applied', action: plan.action });
    }
  }
}

/** The action as it will be applied (clamped, with reasons) and the merge patch; no body when nothing changes. */
export function planScale(action: ScaleAction, so: ScaledObject, triggerMetadata: Readonly<Record<string, string>>): { action: ScaleAction; body?: object } {
  const min = so.spec?.minReplicaCount ?? KEDA_DEFAULT_MIN;
  const remembered = originalMinOf(so);
  const original = remembered ?? min;
  const clamped = clampTarget(action, original, so.spec?.maxReplicaCount ?? KEDA_DEFAULT_MAX);
  const target = clamped.minReplicas;
  const restoring = target === original;
  const savedTriggers = so.metadata?.annotations?.[ORIGINAL_TRIGGERS_ANNOTATION];
  const triggers = so.spec?.triggers ?? [];
  const wantTriggers = Object.keys(triggerMetadata).length > 0 && triggers.length > 0;
  // Already where it should be, annotations included: nothing to send.
  const settled = restoring ? remembered === undefined && savedTriggers === undefined : remembered !== undefined && (!wantTriggers || savedTriggers !== undefined);
  if (target === min && settled) return { action: clamped };
  const annotations: Record<string, string | null> = { [ORIGINAL_MIN_ANNOTATION]: restoring ? null : String(original) };
  const spec: Record<string, unknown> = { minReplicaCount: target };
  if (restoring && savedTriggers !== undefined) {
    spec.triggers = restoreTriggers(triggers, savedTriggers);
    annotations[ORIGINAL_TRIGGERS_ANNOTATION] = null;
  } else if (!restoring && wantTriggers && savedTriggers === undefined) {
    annotations[ORIGINAL_TRIGGERS_ANNOTATION] = JSON.stringify(triggers.map((t) => t.metadata ?? {}));
    spec.triggers = triggers.map((t) => ({ ...t, metadata: { ...t.metadata, ...triggerMetadata } }));
  }
  return { action: clamped, body: { metadata: { resourceVersion: so.metadata?.resourceVersion, annotations }, spec } };
}

/** Never above maxReplicaCount, never below the original; a clamp is written into the reason. */
function clampTarget(action: ScaleAction, original: number, max: number): ScaleAction {
  const notes: string[] = [];
  let target = action.minReplicas;
  if (target > max) {
    notes.push(`clamped from ${target} to maxReplicaCount ${max}`);
    target = max;
  }
  if (target < original) {
    notes.push(`held at the original minReplicaCount ${original}`);
    target = original;
  }
  return notes.length > 0 ? { ...action, minReplicas: target, reason: `${action.reason}; ${notes.join('; ')}` } : action;
}

/** A merge patch replaces arrays whole, so restoring sends every trigger with its saved metadata. */
function restoreTriggers(triggers: readonly Trigger[], saved: string): Trigger[] {
  let meta: unknown;
  try {
    meta = JSON.parse(saved);
  } catch {
    return [...triggers];
  }
  if (!Array.isArray(meta)) return [...triggers];
  return triggers.map((t, i) => {
    const m: unknown = meta[i];
    return typeof m === 'object' && m !== null ? { ...t, metadata: m as Record<string, string> } : t;
  });
}
