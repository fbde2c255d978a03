import type { Action, ActuationError, Applied } from '../core/types.js';
import type { Result } from '../core/result.js';
import type { ToolHint } from '../policy/policy.js';
import type { EngineConfig } from './engine-config.js';
import { newPodMemory } from './pod-memory.js';
import { actOn, guardedAction, type EngineState, type TickDeps } from './tick.js';

/** What a hint came to: acted on, nothing to do (with why), or a pod the engine does not manage. */
export type HintOutcome =
  | { readonly kind: 'resized'; readonly action: Action; readonly result: Result<Applied, ActuationError> }
  | { readonly kind: 'unchanged'; readonly reason: string }
  | { readonly kind: 'unknown-pod'; readonly reason: string }
  /** This replica cannot act now (not the leader, no config yet): the caller may retry. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/**
 * Acts on one pre-tool hint at once, outside the tick: the policy's forecast for that tool, through the
 * same guards and actuator as the tick (guardedAction, actOn), so a hint can never do what a tick could
 * not. The hint only raises; the normal loop brings the pod down later, after the guards' cooldowns.
 */
export async function actOnHint<S>(
  deps: Omit<TickDeps<S>, 'source'>,
  state: EngineState<S>,
  cfg: EngineConfig,
  hint: ToolHint,
  signal: AbortSignal,
): Promise<HintOutcome> {
  const nowMs = deps.clock.now();
  const view = await deps.view.snapshot(cfg.namespace);
  if (!view.ok) return { kind: 'unchanged', reason: `no view of the pods: ${view.error.message}` };
  const pod = view.value.pods.find((p) => p.key === hint.pod);
  if (!pod) return { kind: 'unknown-pod', reason: `pod ${hint.pod} is not managed by burstguard (not selected, or not running)` };
  if (pod.container !== hint.container) return { kind: 'unknown-pod', reason: `burstguard sizes container '${pod.container}' of ${hint.pod}, not '${hint.container}'` };
  if (!deps.policy.hint) return { kind: 'unchanged', reason: `policy ${deps.policy.name} makes no tool forecast; the next tick decides` };
  const rec = deps.policy.hint(state.policyState, hint, { nowMs, pods: view.value.pods, scaledObjects: view.value.scaledObjects });
  if (!rec) return { kind: 'unchanged', reason: `${hint.pod} is already sized for tool '${hint.tool}'` };
  let mem = state.pods.get(pod.key);
  if (!mem) state.pods.set(pod.key, (mem = newPodMemory()));
  const g = guardedAction(rec, pod, mem, nowMs, cfg, deps.policy.name);
  if (g.kind === 'skip') return { kind: 'unchanged', reason: g.reason };
  if (g.kind === 'unchanged') return { kind: 'unchanged', reason: 'the guards leave the pod as it is' };
  return { kind: 'resized', action: g.action, result: await actOn(deps, state, cfg, g.action, nowMs, signal) };
}
