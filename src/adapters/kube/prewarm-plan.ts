import type { ScaledObjectTarget } from '../../config/index.js';
import type { Action, ActionInputs, ScaledObjectView } from '../../core/types.js';

/** An open pre-warm window, as the scheduler reports it (src/runtime/prewarm-windows.ts ActiveWindow). */
export interface OpenWindow {
  readonly window: { readonly name: string; readonly agentClass: string; readonly minReplicas?: number | undefined; readonly scaleFactor?: number | undefined };
  readonly endMs: number;
}

export interface PrewarmInput {
  readonly nowMs: number;
  readonly targets: readonly ScaledObjectTarget[];
  readonly windows: readonly OpenWindow[];
  readonly scaledObjects: readonly ScaledObjectView[];
  readonly restoreAfterS: number;
  /** When each ScaledObject was last inside a window (kept by the caller across ticks). */
  readonly lastInWindowMs: Map<string, number>;
}

type ScaleAction = Extract<Action, { kind: 'scale' }>;

/** What the pre-warm windows want of one target now (shared by ScaledObjects and SandboxWarmPools). */
export type WindowWant =
  /** A window for its class is open: this many replicas (never below the original, within the cap). */
  | { readonly kind: 'open'; readonly replicas: number; readonly reason: string; readonly inputs: ActionInputs }
  /** A window raised it and closed less than restoreAfterS ago: hold what it has. */
  | { readonly kind: 'holding' }
  /** A window raised it and restoreAfterS has passed since the last one closed: back to the original. */
  | { readonly kind: 'restore'; readonly reason: string; readonly inputs: ActionInputs }
  /** No window business (never raised by a window in this process). */
  | { readonly kind: 'none' };

/** The target as the window decision needs it: its agent class, cap, and current and original counts. */
export interface WindowTarget {
  readonly name: string;
  readonly agentClass: string;
  readonly maxPrewarmReplicas: number;
  readonly original: number;
}

/**
 * The window decision for one target. Records in `lastInWindowMs` when the target was last inside a
 * window (the caller keeps the map across ticks), so a restore happens only for what a window raised.
 */
export function windowWant(t: WindowTarget, windows: readonly OpenWindow[], nowMs: number, restoreAfterS: number, lastInWindowMs: Map<string, number>): WindowWant {
  const open = windows.filter((w) => w.window.agentClass === '' || w.window.agentClass === t.agentClass);
  if (open.length > 0) {
    lastInWindowMs.set(t.name, nowMs);
    const wanted = Math.max(...open.map((w) => w.window.minReplicas ?? Math.ceil(t.original * (w.window.scaleFactor ?? 1))));
    const until = new Date(Math.max(...open.map((w) => w.endMs))).toISOString();
    return {
      kind: 'open',
      replicas: Math.max(t.original, Math.min(wanted, t.maxPrewarmReplicas)),
      reason: `pre-warm window ${open.map((w) => w.window.name || '(unnamed)').join(', ')} open until ${until}`,
      inputs: { windowReplicas: wanted, maxPrewarmReplicas: t.maxPrewarmReplicas, originalMinReplicas: t.original },
    };
  }
  const last = lastInWindowMs.get(t.name);
  if (last === undefined) return { kind: 'none' };
  if (nowMs < last + restoreAfterS * 1000) return { kind: 'holding' };
  return {
    kind: 'restore',
    reason: `no pre-warm window open for ${Math.round((nowMs - last) / 1000)} s`,
    inputs: { originalMinReplicas: t.original, restoreAfterS },
  };
}

/**
 * Level-triggered pre-warm: the minReplicaCount each configured ScaledObject should have now, and the
 * scale actions that get it there. While a window for its agent class is open: the window's replicas
 * (or original × scaleFactor), capped by maxPrewarmReplicas and the object's maxReplicaCount, never
 * below the original. After the last window closed and restoreAfterS has passed: the original, but
 * only for objects a window raised in this process (`lastInWindowMs`): a raise without one is the
 * predictive policy's forecast, which holds and restores it itself (restoring it here would flap).
 * A new leader that takes over during a window finishes the job.
 */
export function planPrewarm(p: PrewarmInput): ScaleAction[] {
  const out: ScaleAction[] = [];
  const byName = new Map(p.scaledObjects.map((s) => [s.ref.name, s]));
  for (const t of p.targets) {
    const so = byName.get(t.name);
    if (!so) continue;
    const w = windowWant({ ...t, original: so.originalMinReplicas }, p.windows, p.nowMs, p.restoreAfterS, p.lastInWindowMs);
    if (w.kind === 'open') {
      if (Math.min(w.replicas, so.maxReplicas) === so.minReplicas) continue;
      out.push({ kind: 'scale', scaledObject: so.ref, minReplicas: w.replicas, policy: 'prewarm', reason: w.reason, inputs: w.inputs });
    } else if (w.kind === 'restore' && so.minReplicas !== so.originalMinReplicas) {
      // Only what a window raised: a raise by the policy's forecast is the policy's to hold and restore.
      out.push({
        kind: 'scale',
        scaledObject: so.ref,
        minReplicas: so.originalMinReplicas,
        policy: 'prewarm',
        reason: `${w.reason}: restoring the original minReplicaCount`,
        inputs: w.inputs,
      });
    }
  }
  return out;
}
