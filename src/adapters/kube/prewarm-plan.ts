import type { ScaledObjectTarget } from '../../config/index.js';
import type { Action, ScaledObjectView } from '../../core/types.js';

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
    const open = p.windows.filter((w) => w.window.agentClass === '' || w.window.agentClass === t.agentClass);
    if (open.length > 0) {
      p.lastInWindowMs.set(t.name, p.nowMs);
      const wanted = Math.max(...open.map((w) => w.window.minReplicas ?? Math.ceil(so.originalMinReplicas * (w.window.scaleFactor ?? 1))));
      const desired = Math.max(so.originalMinReplicas, Math.min(wanted, t.maxPrewarmReplicas));
      if (Math.min(desired, so.maxReplicas) === so.minReplicas) continue;
      const until = new Date(Math.max(...open.map((w) => w.endMs))).toISOString();
      out.push({
        kind: 'scale',
        scaledObject: so.ref,
        minReplicas: desired,
        policy: 'prewarm',
        reason: `pre-warm window ${open.map((w) => w.window.name || '(unnamed)').join(', ')} open until ${until}`,
        inputs: { windowReplicas: wanted, maxPrewarmReplicas: t.maxPrewarmReplicas, originalMinReplicas: so.originalMinReplicas },
      });
    } else if (so.minReplicas !== so.originalMinReplicas) {
      // Only what a window raised: a raise by the policy's forecast is the policy's to hold and restore.
      const last = p.lastInWindowMs.get(t.name);
      if (last === undefined || p.nowMs < last + p.restoreAfterS * 1000) continue;
      out.push({
        kind: 'scale',
        scaledObject: so.ref,
        minReplicas: so.originalMinReplicas,
        policy: 'prewarm',
        reason: `no pre-warm window open for ${Math.round((p.nowMs - last) / 1000)} s: restoring the original minReplicaCount`,
        inputs: { originalMinReplicas: so.originalMinReplicas, restoreAfterS: p.restoreAfterS },
      });
    }
  }
  return out;
}
