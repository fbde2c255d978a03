/**
 * The pre-warm decision for agent-sandbox SandboxWarmPools (docs/agent-sandbox.md): pure, level-
 * triggered, one pass per tick. A pool's `spec.replicas` is the number of warm sandboxes kept ready;
 * burstguard raises it ahead of predicted claim bursts and of scheduled pre-warm windows, and puts the
 * user's value back afterwards. The two reasons to raise are the existing machinery, not a copy:
 * - windows: `windowWant` (prewarm-plan.ts), exactly as for KEDA ScaledObjects;
 * - claims: the arrival forecast of `scaleRecommendations` (src/policy/predictive/scale.ts) over the
 *   pool's claim arrivals (claims.ts), one warm sandbox per claim, none in flight.
 * The larger wins. A pool a HorizontalPodAutoscaler scales is never touched: the HPA owns
 * spec.replicas and would fight every write (the agent-sandbox docs make an HPA the pool's scaler).
 */
import type { WarmPoolTarget } from '../../config/index.js';
import type { ActionInputs, ObjRef, ScaledObjectView } from '../../core/types.js';
import { scaleRecommendations, type ClassArrivals, type ScaleHold } from '../../policy/predictive/scale.js';
import type { ResolvedPredictiveOptions } from '../../policy/predictive/index.js';
import { windowWant, type OpenWindow, type WindowWant } from './prewarm-plan.js';
import { WARM_POOL } from './agent-sandbox.js';

/** A pool as its scale subresource shows it. */
export interface WarmPoolView {
  readonly ref: ObjRef;
  /** spec.replicas. */
  readonly replicas: number;
  /** Of the read, so the write fails with 409 if the pool changed in between. */
  readonly resourceVersion?: string;
}

/** An HPA of the namespace, reduced to what it scales. */
export interface HpaView {
  readonly name: string;
  readonly target: { readonly apiVersion?: string; readonly kind: string; readonly name: string };
}

/** What burstguard remembers of a pool it raised: the user's value and what it wrote (kept by the caller). */
export interface PoolMemory {
  readonly original: number;
  readonly written: number;
}

/** A write of spec.replicas through the scale subresource, with its reason and numbers. */
export interface WarmPoolAction {
  readonly pool: ObjRef;
  readonly replicas: number;
  /** spec.replicas when planned, and the resourceVersion it was read at (the write is conditional on it). */
  readonly from: number;
  readonly resourceVersion?: string;
  /** The user's value, remembered while raised. */
  readonly originalReplicas: number;
  readonly restore: boolean;
  readonly policy: 'prewarm' | 'claims';
  readonly reason: string;
  readonly inputs: ActionInputs;
}

/** A configured pool left alone this tick, and why. */
export interface WarmPoolSkip {
  readonly pool: ObjRef;
  readonly kind: 'not-found' | 'hpa';
  readonly reason: string;
}

export interface WarmPoolPlanInput {
  readonly nowMs: number;
  readonly namespace: string;
  readonly targets: readonly WarmPoolTarget[];
  /** Pools read this tick by name; a configured name missing here was not found. */
  readonly pools: ReadonlyMap<string, WarmPoolView>;
  readonly hpas: readonly HpaView[];
  readonly windows: readonly OpenWindow[];
  readonly restoreAfterS: number;
  /** When each pool was last inside a window (kept by the caller across ticks). */
  readonly lastInWindowMs: Map<string, number>;
  readonly memory: ReadonlyMap<string, PoolMemory>;
  /** Claim arrival models by pool name (absent: no claim metrics for that pool, no forecast). */
  readonly claims: ReadonlyMap<string, ClassArrivals>;
  /** The claim forecast's holds (kept by the caller across ticks). */
  readonly holds: Map<string, ScaleHold>;
  /** Arrival settings, with scaleHorizonS = the claims horizon and one sandbox per claim. */
  readonly options: ResolvedPredictiveOptions;
}

export interface WarmPoolPlan {
  readonly actions: readonly WarmPoolAction[];
  readonly skipped: readonly WarmPoolSkip[];
  /** Pools whose memory is void: back at the user's value, changed by someone else, or taken by an HPA. */
  readonly forget: readonly string[];
}

/** The HPA whose scaleTargetRef names this SandboxWarmPool, if any. */
export function hpaScaling(pool: string, hpas: readonly HpaView[]): HpaView | undefined {
  return hpas.find(
    (h) => h.target.kind === WARM_POOL.kind && h.target.name === pool && (h.target.apiVersion === undefined || h.target.apiVersion.split('/')[0] === WARM_POOL.group),
  );
}

/** The plan for every configured pool. */
export function planWarmPools(p: WarmPoolPlanInput): WarmPoolPlan {
  const actions: WarmPoolAction[] = [];
  const skipped: WarmPoolSkip[] = [];
  const forget: string[] = [];
  for (const t of p.targets) {
    const ref = { namespace: p.namespace, name: t.name };
    const pool = p.pools.get(t.name);
    if (!pool) {
      skipped.push({ pool: ref, kind: 'not-found', reason: `SandboxWarmPool ${t.name} not found (or the agent-sandbox CRDs are not installed)` });
      continue;
    }
    const hpa = hpaScaling(t.name, p.hpas);
    if (hpa) {
      skipped.push({ pool: ref, kind: 'hpa', reason: `HorizontalPodAutoscaler ${hpa.name} scales this pool (it owns spec.replicas): burstguard leaves it alone` });
      if (p.memory.has(t.name)) forget.push(t.name);
      continue;
    }
    const r = planOne(p, t, pool);
    if (r.forget) forget.push(t.name);
    if (r.action) actions.push(r.action);
  }
  return { actions, skipped, forget };
}

function planOne(p: WarmPoolPlanInput, t: WarmPoolTarget, pool: WarmPoolView): { action?: WarmPoolAction; forget: boolean } {
  const mem = p.memory.get(t.name);
  // Someone else set spec.replicas since burstguard wrote it: theirs is the user's value now.
  const ours = mem !== undefined && mem.written === pool.replicas;
  const original = ours ? mem.original : pool.replicas;
  const w = windowWant({ ...t, original }, p.windows, p.nowMs, p.restoreAfterS, p.lastInWindowMs);
  const wantW = w.kind === 'open' ? w.replicas : w.kind === 'holding' && ours ? pool.replicas : original;
  const f = claimWant(p, t, pool, original);
  const want = Math.max(original, wantW, f.want);
  const forget = (mem !== undefined && !ours) || (mem !== undefined && want === original && pool.replicas === original);
  if (want === pool.replicas) return { forget };
  const base = {
    pool: pool.ref,
    replicas: want,
    from: pool.replicas,
    ...(pool.resourceVersion !== undefined ? { resourceVersion: pool.resourceVersion } : {}),
    originalReplicas: original,
    restore: want === original,
  };
  return { forget, action: { ...base, ...why(w, f, { wantW, want, original }, p.restoreAfterS) } };
}

/** Which reason carries the write: the restore, the claim forecast, or the window. */
function why(w: WindowWant, f: ClaimWant, n: { readonly wantW: number; readonly want: number; readonly original: number }, restoreAfterS: number): Pick<WarmPoolAction, 'policy' | 'reason' | 'inputs'> {
  const { wantW, want, original } = n;
  if (want === original) {
    const parts = [w.kind === 'restore' ? w.reason : 'no pre-warm window open', f.reason === undefined ? 'no claim forecast' : 'no claim burst forecast'];
    return { policy: f.reason === undefined ? 'prewarm' : 'claims', reason: `restore the user's spec.replicas ${original}: ${parts.join(', ')}`, inputs: { originalReplicas: original, restoreAfterS } };
  }
  if (f.want >= wantW && f.reason !== undefined) return { policy: 'claims', reason: f.reason, inputs: f.inputs };
  if (w.kind === 'open') return { policy: 'prewarm', reason: w.reason, inputs: { ...w.inputs, originalReplicas: original } };
  return { policy: 'prewarm', reason: 'holding the pre-warm until restoreAfterS has passed', inputs: { originalReplicas: original } };
}

interface ClaimWant {
  readonly want: number;
  readonly reason?: string;
  readonly inputs: ActionInputs;
}

/** The claim forecast's target for a pool (its hold), with the forecast's reason when it asks for a raise. */
function claimWant(p: WarmPoolPlanInput, t: WarmPoolTarget, pool: WarmPoolView, original: number): ClaimWant {
  if (!p.claims.has(t.name)) return { want: original, inputs: {} };
  const cap = Math.max(original, t.maxPrewarmReplicas);
  // The pool as a ScaledObject-shaped target: "minReplicas" is spec.replicas, the class is the pool. A
  // pool has no maxReplicaCount: maxPrewarmReplicas is its only cap (and names itself in the reason).
  const view: ScaledObjectView = { ref: pool.ref, agentClass: t.name, minReplicas: pool.replicas, maxReplicas: Number.MAX_SAFE_INTEGER, originalMinReplicas: original, prewarmCap: t.maxPrewarmReplicas };
  const [rec] = scaleRecommendations(p.claims, p.holds, [view], p.nowMs, p.options);
  const target = p.holds.get(`${pool.ref.namespace}/${pool.ref.name}`)?.target ?? original;
  const raising = rec !== undefined && rec.minReplicas > original;
  return {
    want: Math.min(cap, Math.max(original, target)),
    ...(rec !== undefined ? { reason: raising ? rec.reason.replace('sessions/min', 'claims/min').replace(/ arrivals at /, ' claims at ') : 'claim forecast back to the user\'s value' } : { reason: 'claim forecast holds' }),
    inputs: rec?.inputs ?? {},
  };
}
