/**
 * The agent-sandbox step of a tick (docs/agent-sandbox.md), run by the leader after the engine tick:
 * 1. read the claim counters and fold them into the claim forecast;
 * 2. read each configured SandboxWarmPool's scale and the namespace's HPAs, plan (warm-pool-plan.ts,
 *    pure) and write spec.replicas through the scale subresource, remembering the user's value;
 * 3. write applied in-place resizes back into the owning Sandbox's spec.podTemplate (sandbox-writeback.ts).
 * Every write is counted (burstguard_actions_total{kind="warm-pool"|"sandbox-template"}) and gets an
 * Event with its reason; a failure is logged and never stops the rest of the step.
 */
import type { Config } from '../config/index.js';
import type { Result } from '../core/result.js';
import type { PodView } from '../core/types.js';
import type { Clock, Logger, SourceError } from '../engine/ports.js';
import type { Sandbox } from '../adapters/kube/agent-sandbox.js';
import { SANDBOX, WARM_POOL } from '../adapters/kube/agent-sandbox.js';
import { apiFailure } from '../adapters/kube/api-errors.js';
import type { HpaApi, SandboxApi, WarmPoolScaleApi } from '../adapters/kube/apis.js';
import type { EventRecorder, EventSpec } from '../adapters/kube/events.js';
import type { OpenWindow } from '../adapters/kube/prewarm-plan.js';
import { planWriteBacks, writeBackPatch, type WriteBack } from '../adapters/kube/sandbox-writeback.js';
import { applyWarmPool, readWarmPool } from '../adapters/kube/warm-pool-actuator.js';
import { formatPoolMemory, type PoolMemoryStore } from '../adapters/kube/pool-memory-lease.js';
import { planWarmPools, type HpaView, type PoolMemory, type WarmPoolAction, type WarmPoolView } from '../adapters/kube/warm-pool-plan.js';
import type { ClaimReader } from '../adapters/prometheus/claims.js';
import { claimArrivalsByPool, foldClaimTotals, type PoolClaims } from '../policy/predictive/claims.js';
import { resolvePredictiveOptions } from '../policy/predictive/index.js';
import type { ScaleHold } from '../policy/predictive/scale.js';

export interface AgentSandboxDeps {
  readonly namespace: string;
  readonly config: () => Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly scale: WarmPoolScaleApi;
  readonly sandboxApi: SandboxApi;
  readonly hpas: HpaApi;
  /** Where the user's values of raised pools survive a leader change (pool-memory-lease.ts). */
  readonly memoryStore: PoolMemoryStore;
  readonly sandboxes: () => Result<readonly Sandbox[], SourceError>;
  readonly events: Pick<EventRecorder, 'record'>;
  /** Pre-warm windows open now (the scheduler's). */
  readonly windows: () => readonly OpenWindow[];
  /** The claim reader for the current config; undefined when it cannot be built. */
  readonly claims: () => ClaimReader | undefined;
  /** Counts a write (or a would-be write in dry-run) by kind and outcome. */
  readonly count: (kind: 'warm-pool' | 'sandbox-template', outcome: string) => void;
}

const POOL_API_VERSION = `${WARM_POOL.group}/${WARM_POOL.version}`;
const SANDBOX_API_VERSION = `${SANDBOX.group}/${SANDBOX.version}`;

/**
 * The state the agent-sandbox step keeps across ticks. The user's values of raised pools are also kept
 * in a Lease (loaded when this replica starts leading, saved on every change), the rest in memory.
 */
export class AgentSandboxLoop {
  private readonly lastInWindowMs = new Map<string, number>();
  private readonly memory = new Map<string, PoolMemory>();
  /** The memory as last loaded from or saved to the Lease; undefined until loaded (this leadership). */
  private stored: string | undefined;
  private storeFailing = false;
  private readonly holds = new Map<string, ScaleHold>();
  private readonly claimState = new Map<string, PoolClaims>();
  /** What was last said about each object (a skip, a dry-run), so an Event is written once per change, not per tick. */
  private readonly said = new Map<string, string>();
  private claimsFailing = false;
  /** Sandboxes written back, with the resourceVersion the write was planned on (skipped until the cache moves on). */
  private readonly writtenFrom = new Map<string, string>();

  constructor(private readonly d: AgentSandboxDeps) {}

  /** This replica stopped leading: another may change the pools and the Lease; reload before acting again. */
  invalidate(): void {
    this.stored = undefined;
  }

  async step(pods: readonly PodView[], dryRun: boolean, signal: AbortSignal): Promise<void> {
    const cfg = this.d.config();
    if (!cfg.agentSandbox.enabled) return;
    if (cfg.agentSandbox.warmPools.length > 0) {
      await this.readClaims(cfg, signal);
      await this.prewarm(cfg, dryRun, signal);
    }
    if (cfg.agentSandbox.writeBack.enabled) await this.writeBack(cfg, pods, dryRun, signal);
  }

  private async readClaims(cfg: Config, signal: AbortSignal): Promise<void> {
    const reader = this.d.claims();
    if (!reader) return;
    const now = this.d.clock.now();
    const r = await reader.read(this.d.namespace, now, signal);
    if (!r.ok) {
      // Said once when it starts failing, at debug afterwards: a missing Prometheus must not flood the log.
      if (!this.claimsFailing) this.d.log.warn({ query: reader.query(this.d.namespace), err: r.error }, 'claim metrics unreadable: no claim forecast until they are');
      else this.d.log.debug({ err: r.error }, 'claim metrics still unreadable');
      this.claimsFailing = true;
      return;
    }
    if (this.claimsFailing) this.d.log.info({}, 'claim metrics readable again');
    this.claimsFailing = false;
    foldClaimTotals(this.claimState, r.value, now, resolvePredictiveOptions(cfg.policies.predictive), cfg.engine.tickIntervalS);
  }

  /** Loads the remembered user values once per leadership; false when they cannot be read (then no pool is written). */
  private async loadMemory(): Promise<boolean> {
    if (this.stored !== undefined) return true;
    const r = await this.d.memoryStore.load();
    if (!r.ok) {
      if (!this.storeFailing) this.d.log.warn({ err: r.error }, 'cannot read the remembered warm-pool values: no SandboxWarmPool is pre-warmed until it can');
      this.storeFailing = true;
      return false;
    }
    this.storeFailing = false;
    this.memory.clear();
    for (const [k, v] of r.value) this.memory.set(k, v);
    this.stored = formatPoolMemory(this.memory);
    if (this.memory.size > 0) this.d.log.info({ pools: Object.fromEntries(this.memory) }, 'remembered warm-pool values loaded');
    return true;
  }

  private async saveMemory(): Promise<void> {
    const text = formatPoolMemory(this.memory);
    if (text === this.stored) return;
    const r = await this.d.memoryStore.save(this.memory);
    // Unsaved, the values are still in memory and the save is tried again next tick.
    if (r.ok) this.stored = text;
    else this.d.log.warn({ err: r.error }, 'cannot save the remembered warm-pool values (retried next tick)');
  }

  private async prewarm(cfg: Config, dryRun: boolean, signal: AbortSignal): Promise<void> {
    if (!(await this.loadMemory())) return;
    try {
      await this.prewarmPools(cfg, dryRun, signal);
    } finally {
      await this.saveMemory();
    }
  }

  private async prewarmPools(cfg: Config, dryRun: boolean, signal: AbortSignal): Promise<void> {
    const a = cfg.agentSandbox;
    let hpas: HpaView[];
    try {
      hpas = await this.d.hpas.list(this.d.namespace);
    } catch (e) {
      // Without the HPA list burstguard cannot rule out fighting one: no pool is touched this tick.
      const f = apiFailure(e);
      await this.sayOnce('err/hpas', f.message, () => Promise.resolve(this.d.log.warn({ status: f.status, err: f.message }, 'cannot list HorizontalPodAutoscalers: no SandboxWarmPool is pre-warmed until it can')));
      return;
    }
    this.said.delete('err/hpas');
    const pools = new Map<string, WarmPoolView>();
    for (const t of a.warmPools) {
      const r = await readWarmPool(this.d.scale, this.d.namespace, t.name);
      if (r.ok && r.value) pools.set(t.name, r.value);
      if (r.ok) this.said.delete(`err/read/${t.name}`);
      else await this.sayOnce(`err/read/${t.name}`, r.error.message, () => Promise.resolve(this.d.log.warn({ pool: t.name, status: r.error.status, err: r.error.message }, 'cannot read SandboxWarmPool scale')));
    }
    const base = resolvePredictiveOptions(cfg.policies.predictive);
    const plan = planWarmPools({
      nowMs: this.d.clock.now(),
      namespace: this.d.namespace,
      targets: a.warmPools,
      pools,
      hpas,
      windows: this.d.windows(),
      restoreAfterS: a.restoreAfterS,
      lastInWindowMs: this.lastInWindowMs,
      memory: this.memory,
      claims: claimArrivalsByPool(this.claimState),
      holds: this.holds,
      options: { ...base, scaleHorizonS: a.claims.horizonS, sessionsPerReplica: 1 },
    });
    for (const name of plan.forget) this.memory.delete(name);
    this.keepOnly('skip/', plan.skipped.map((s) => s.pool.name));
    this.keepOnly('dry/', plan.actions.map((x) => x.pool.name));
    for (const s of plan.skipped) await this.sayOnce(`skip/${s.pool.name}`, s.reason, () => this.skipped(s));
    for (const act of plan.actions) {
      if (signal.aborted) return;
      await this.applyPool(act, dryRun);
    }
  }

  private async skipped(s: { readonly pool: { readonly namespace: string; readonly name: string }; readonly kind: string; readonly reason: string }): Promise<void> {
    if (s.kind === 'hpa') {
      this.d.log.info({ pool: s.pool.name, reason: s.reason }, 'SandboxWarmPool left alone');
      await this.d.events.record({ apiVersion: POOL_API_VERSION, kind: WARM_POOL.kind, ...s.pool }, { type: 'Normal', reason: 'BurstguardHPAOwnsReplicas', message: s.reason });
    } else {
      this.d.log.warn({ pool: s.pool.name, reason: s.reason }, 'SandboxWarmPool not pre-warmed');
    }
  }

  private async applyPool(act: WarmPoolAction, dryRun: boolean): Promise<void> {
    const target = { apiVersion: POOL_API_VERSION, kind: WARM_POOL.kind, ...act.pool };
    const what = `spec.replicas ${act.from} → ${act.replicas} by ${act.policy}: ${act.reason}${inputsText(act.inputs)}`;
    if (dryRun) {
      this.d.count('warm-pool', 'dry-run');
      await this.sayOnce(`dry/${act.pool.name}`, String(act.replicas), () =>
        this.d.events.record(target, { type: 'Normal', reason: 'BurstguardDryRun', message: `would set ${what}` }),
      );
      return;
    }
    const r = await applyWarmPool(this.d.scale, act);
    const spec: EventSpec = r.ok
      ? { type: 'Normal', reason: 'BurstguardScaled', message: what }
      : { type: 'Warning', reason: 'BurstguardScaleFailed', message: `${r.error.status !== undefined ? `HTTP ${r.error.status}` : 'error'}: ${r.error.message}; wanted ${what}` };
    this.d.count('warm-pool', r.ok ? 'applied' : `error:${r.error.status ?? 'unknown'}`);
    if (r.ok) {
      if (act.restore) this.memory.delete(act.pool.name);
      else this.memory.set(act.pool.name, { original: act.originalReplicas, written: act.replicas });
      this.d.log.info({ pool: act.pool.name, from: act.from, replicas: act.replicas, policy: act.policy, reason: act.reason }, 'SandboxWarmPool scaled');
    } else {
      this.d.log.warn({ pool: act.pool.name, replicas: act.replicas, status: r.error.status, err: r.error.message }, 'SandboxWarmPool scale failed');
    }
    // A 409 only means the pool moved since the read: the next tick plans again, no Event for it.
    if (r.ok || r.error.status !== 409) await this.d.events.record(target, spec);
  }

  private async writeBack(cfg: Config, pods: readonly PodView[], dryRun: boolean, signal: AbortSignal): Promise<void> {
    const sandboxes = this.d.sandboxes();
    if (!sandboxes.ok) {
      this.d.log.debug({ err: sandboxes.error.message }, 'Sandbox cache not ready: no write-back this tick');
      return;
    }
    const plan = planWriteBacks(pods, sandboxes.value, cfg.agentSandbox.writeBack.minChangeFraction);
    this.keepOnly('wb-skip/', plan.skipped.map((s) => s.pod));
    this.keepOnly('wb-dry/', plan.writes.map((w) => `${w.sandbox.namespace}/${w.sandbox.name}`));
    const live = new Set(sandboxes.value.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`));
    for (const k of this.writtenFrom.keys()) if (!live.has(k)) this.writtenFrom.delete(k);
    for (const s of plan.skipped) await this.sayOnce(`wb-skip/${s.pod}`, s.reason, () => Promise.resolve(this.d.log.debug({ pod: s.pod, reason: s.reason }, 'no write-back')));
    for (const w of plan.writes) {
      if (signal.aborted) return;
      const key = `${w.sandbox.namespace}/${w.sandbox.name}`;
      if (w.resourceVersion !== undefined && this.writtenFrom.get(key) === w.resourceVersion) continue;
      await this.applyWriteBack(w, key, dryRun);
    }
  }

  private async applyWriteBack(w: WriteBack, key: string, dryRun: boolean): Promise<void> {
    const target = { apiVersion: SANDBOX_API_VERSION, kind: SANDBOX.kind, ...w.sandbox };
    if (dryRun) {
      this.d.count('sandbox-template', 'dry-run');
      await this.sayOnce(`wb-dry/${key}`, JSON.stringify(w.after), () =>
        this.d.events.record(target, { type: 'Normal', reason: 'BurstguardDryRun', message: `would write ${w.reason}` }),
      );
      return;
    }
    try {
      await this.d.sandboxApi.patchJson(w.sandbox.namespace, w.sandbox.name, writeBackPatch(w));
    } catch (e) {
      const f = apiFailure(e);
      this.d.count('sandbox-template', `error:${f.status ?? 'unknown'}`);
      this.d.log.warn({ sandbox: key, status: f.status, err: f.message }, 'Sandbox podTemplate write-back failed (the next tick decides again)');
      // 422 is a failed `test`: the template changed since the cache read. Not worth an Event.
      if (f.status !== 422 && f.status !== 409) {
        await this.d.events.record(target, { type: 'Warning', reason: 'BurstguardSandboxTemplateFailed', message: `${f.status !== undefined ? `HTTP ${f.status}` : 'error'}: ${f.message}; wanted ${w.reason}` });
      }
      return;
    }
    if (w.resourceVersion !== undefined) this.writtenFrom.set(key, w.resourceVersion);
    this.d.count('sandbox-template', 'applied');
    this.d.log.info({ sandbox: key, pod: w.pod, container: w.container, resources: w.after }, 'Sandbox podTemplate updated');
    await this.d.events.record(target, { type: 'Normal', reason: 'BurstguardSandboxTemplateUpdated', message: w.reason });
  }

  /** Forgets what was said under `prefix` about anything not in `keys` (bounded memory; said again if it recurs). */
  private keepOnly(prefix: string, keys: readonly string[]): void {
    const keep = new Set(keys.map((k) => prefix + k));
    for (const k of this.said.keys()) if (k.startsWith(prefix) && !keep.has(k)) this.said.delete(k);
  }

  /** Runs `say` when `value` differs from what was last said under `key`. */
  private async sayOnce(key: string, value: string, say: () => Promise<void>): Promise<void> {
    if (this.said.get(key) === value) return;
    this.said.set(key, value);
    await say();
  }
}

function inputsText(inputs: Readonly<Record<string, number | string | boolean>>): string {
  const parts = Object.entries(inputs).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : String(v)}`);
  return parts.length > 0 ? ` [${parts.join(' ')}]` : '';
}
