import { ok, type Result } from '../core/result.js';
import type { Action, ActuationError, AgentSample, Applied, PodView, Skipped } from '../core/types.js';
import type { Policy, PolicyContext, Recommendation, ResizeRecommendation } from '../policy/policy.js';
import { mapBounded } from './bounded-map.js';
import { staleBoundS, type EngineConfig } from './engine-config.js';
import { guardResize } from './guards.js';
import { newPodMemory, raisedFields, rememberUsage, type PodMemory, type ResourceField } from './pod-memory.js';
import type { Actuator, Clock, ClusterView, Logger, MetricSource, SourceError, TickObserver } from './ports.js';
import { readVerdict } from './verdict.js';
import { NO_SAMPLE_CAUSES, noteSampleless, warnAfterTicks } from './sample-watch.js';

/** Everything a tick talks to. The controller passes real adapters, the bench the simulator's. */
export interface TickDeps<S = unknown> {
  readonly clock: Clock;
  readonly source: MetricSource;
  readonly view: ClusterView;
  readonly actuator: Actuator;
  readonly policy: Policy<S>;
  readonly log: Logger;
  readonly observer?: TickObserver;
}

/** What survives between ticks. Created by newEngineState; owned by one engine. */
export interface EngineState<S = unknown> {
  readonly policyState: S;
  readonly pods: Map<string, PodMemory>;
  lastFetchMs?: number;
}

export interface TickReport {
  readonly nowMs: number;
  /** False when the tick held: no metrics or no cluster view, so nothing was changed. */
  readonly held: boolean;
  readonly sourceError?: SourceError;
  readonly samples: number;
  readonly actions: readonly Action[];
  readonly results: ReadonlyArray<Result<Applied, ActuationError>>;
  readonly skipped: readonly Skipped[];
}

export function newEngineState<S>(policy: Policy<S>): EngineState<S> {
  return { policyState: policy.init(), pods: new Map() };
}

/**
 * One iteration of the control loop: observe, recommend, guard, act. The only loop body there is:
 * the controller calls it from its scheduler, the bench from a virtual clock. Errors at the edges are
 * values; a failing pod is skipped with its reason and the others carry on.
 */
export async function tick<S>(deps: TickDeps<S>, state: EngineState<S>, cfg: EngineConfig, signal: AbortSignal): Promise<TickReport> {
  const nowMs = deps.clock.now();
  const view = await deps.view.snapshot(cfg.namespace);
  if (!view.ok) return held(deps, nowMs, view.error);
  const ctx: PolicyContext = { nowMs, pods: view.value.pods, scaledObjects: view.value.scaledObjects };
  const sampled = new Set<string>();
  const observed = await observeWindow(deps, state, cfg, ctx, signal, sampled);
  if (!observed.ok) return held(deps, nowMs, observed.error);
  const samples = observed.value;
  reportSampleless(deps, state, ctx.pods, sampled, warnAfterTicks(cfg.tickIntervalS));

  const skipped: Skipped[] = [];
  const actions = decide(deps.policy.recommend(state.policyState, ctx), ctx, state, cfg, skipped, deps.policy.name);
  // Sent with bounded concurrency; outcomes are folded in action order, so the state does not depend
  // on which answer came back first.
  const results = await mapBounded(actions, cfg.actuationConcurrency ?? DEFAULT_ACTUATION_CONCURRENCY, (action) =>
    deps.actuator.apply(action, { dryRun: cfg.dryRun, signal }),
  );
  for (const [i, action] of actions.entries()) settle(deps, state, cfg, action, results[i] as Result<Applied, ActuationError>, nowMs);
  for (const s of skipped) deps.observer?.skipped?.(s.pod, s.reason);
  deps.observer?.tickDone?.({ durationMs: deps.clock.now() - nowMs, actions: actions.length, skipped: skipped.length });
  return { nowMs, held: false, samples, actions, results, skipped };
}

/** Actions in flight at once when the config does not say (engine.actuationConcurrency). */
export const DEFAULT_ACTUATION_CONCURRENCY = 16;

/** The longest window one fetch asks for, in ticks: a backfill after a start is read in pieces of this. */
const FETCH_CHUNK_TICKS = 4;

/**
 * Fetches and folds everything since the last fetch. A long window (the first tick's backfill, or the
 * catch-up after an outage) is read in chunks of a few ticks, so memory stays bounded by the chunk,
 * not by the window times the number of pods. Progress is kept chunk by chunk: a failure part-way
 * holds this tick and the next one resumes from the last chunk read. Returns the sample count.
 */
async function observeWindow<S>(
  deps: TickDeps<S>,
  state: EngineState<S>,
  cfg: EngineConfig,
  ctx: PolicyContext,
  signal: AbortSignal,
  sampled: Set<string>,
): Promise<Result<number, SourceError>> {
  const chunkMs = Math.max(cfg.tickIntervalS, cfg.scrapeIntervalS) * FETCH_CHUNK_TICKS * 1000;
  let fromMs = state.lastFetchMs ?? ctx.nowMs - cfg.initialLookbackS * 1000;
  let count = 0;
  const livePods = new Set(ctx.pods.map((p) => p.key));
  do {
    const toMs = Math.min(ctx.nowMs, fromMs + chunkMs);
    const fetched = await deps.source.fetch({ namespace: cfg.namespace, fromMs, toMs, stepS: cfg.scrapeIntervalS, livePods }, signal);
    if (!fetched.ok) return fetched;
    deps.policy.observe(state.policyState, fetched.value, ctx);
    for (const x of fetched.value) sampled.add(x.pod);
    rememberAll(deps, state, fetched.value, ctx.pods, ctx.nowMs, cfg);
    state.lastFetchMs = toMs;
    count += fetched.value.length;
    fromMs = toMs;
  } while (fromMs < ctx.nowMs);
  return ok(count);
}

/** Says which running pods have gone several ticks without a sample (sample-watch.ts): once per episode, gauged every tick. */
function reportSampleless<S>(deps: TickDeps<S>, state: EngineState<S>, pods: readonly PodView[], sampled: ReadonlySet<string>, ticks: number): void {
  const r = noteSampleless(state.pods, pods, sampled, ticks);
  deps.observer?.samplelessPods?.({ ...r, causes: NO_SAMPLE_CAUSES });
  if (r.newly.length === 0) return;
  deps.log.warn({ pods: r.newly.slice(0, 20), count: r.without.length, ticks, causes: NO_SAMPLE_CAUSES }, `managed pods without samples for ${ticks} ticks: burstguard cannot size them`);
}

function held(deps: TickDeps<never> | TickDeps<unknown>, nowMs: number, error: SourceError): TickReport {
  deps.observer?.sourceFailed?.(error);
  deps.log.warn({ source: error.source, query: error.query, err: error.message }, 'holding: no fresh view of the pods, nothing changed');
  return { nowMs, held: true, sourceError: error, samples: 0, actions: [], results: [], skipped: [] };
}

function rememberAll<S>(deps: TickDeps<S>, state: EngineState<S>, samples: readonly AgentSample[], pods: readonly PodView[], nowMs: number, cfg: EngineConfig): void {
  const { policy, log, observer } = deps;
  const byPod = new Map<string, AgentSample[]>();
  for (const s of samples) {
    const list = byPod.get(s.pod);
    if (list) list.push(s);
    else byPod.set(s.pod, [s]);
  }
  const live = new Set<string>();
  for (const pod of pods) {
    live.add(pod.key);
    let m = state.pods.get(pod.key);
    if (!m) state.pods.set(pod.key, (m = newPodMemory()));
    rememberUsage(m, byPod.get(pod.key) ?? [], nowMs, cfg.guards.usageWindowS);
    noteResizeStatus(m, pod, nowMs, cfg);
    noteVerdict(m, pod, log, observer);
  }
  for (const key of state.pods.keys()) {
    if (live.has(key)) continue;
    state.pods.delete(key);
    policy.forget?.(state.policyState, key);
  }
}

/**
 * The kubelet reports Deferred and Infeasible through pod conditions, after the PATCH has succeeded:
 * fold them into the pod's memory so the guards back off (Deferred) or stop asking (Infeasible).
 */
function noteResizeStatus(m: PodMemory, pod: PodView, nowMs: number, cfg: EngineConfig): void {
  if (pod.resize.phase === 'infeasible') {
    // A fallback the kubelet calls Infeasible too lowers the ceiling again, so the pod steps down
    // (5 % a round, see guards.ts) until a size fits instead of staying stuck on the first fallback.
    const prev = m.infeasibleRequests;
    m.infeasibleRequests = prev === undefined
      ? pod.requests
      : { memBytes: Math.min(prev.memBytes, pod.requests.memBytes), cpuCores: Math.min(prev.cpuCores, pod.requests.cpuCores) };
  } else if (pod.resize.phase === 'deferred' && (m.deferredUntilMs === undefined || nowMs >= m.deferredUntilMs)) {
    const backoff = Math.min(cfg.deferredBackoffS.max, m.deferredBackoffS ? m.deferredBackoffS * 2 : cfg.deferredBackoffS.initial);
    m.deferredBackoffS = backoff;
    m.deferredUntilMs = nowMs + backoff * 1000;
  }
}

/**
 * Reads the kubelet's verdict on the pod's last resize (verdict.ts) and says it: a log line and a
 * metric per verdict, so a refusal is never counted as applied.
 */
function noteVerdict(m: PodMemory, pod: PodView, log: Logger, observer: TickObserver | undefined): void {
  const w = m.awaiting;
  if (w === undefined) return;
  const v = readVerdict(w, pod);
  if (v === undefined) return;
  observer?.resizeVerdict?.(w.action, v.verdict);
  const line = { target: pod.key, verdict: v.verdict, message: v.message, reason: w.action.reason };
  if (v.verdict === 'error') log.warn(line, 'resize refused by the kubelet');
  else log.info(line, `resize ${v.verdict}`);
  if (v.verdict === 'in-progress') w.reported = 'in-progress';
  else m.awaiting = undefined;
}

function decide<S>(recs: readonly Recommendation[], ctx: PolicyContext, state: EngineState<S>, cfg: EngineConfig, skipped: Skipped[], policy: string): Action[] {
  const podsByKey = new Map(ctx.pods.map((p) => [p.key, p]));
  const actions: Action[] = [];
  for (const rec of recs) {
    if (rec.kind === 'scale') {
      actions.push({ kind: 'scale', scaledObject: rec.scaledObject, minReplicas: rec.minReplicas, policy, reason: rec.reason, inputs: rec.inputs });
      continue;
    }
    const pod = podsByKey.get(rec.pod);
    const mem = state.pods.get(rec.pod);
    if (!pod || !mem) {
      skipped.push({ pod: rec.pod, reason: 'pod not in the cluster view' });
      continue;
    }
    const g = guardedAction(rec, pod, mem, ctx.nowMs, cfg, policy);
    if (g.kind === 'skip') skipped.push({ pod: rec.pod, reason: g.reason });
    if (g.kind === 'resize') actions.push(g.action);
  }
  return actions;
}

/**
 * One resize recommendation through the guards (guards.ts) into an Action, a skip with its reason, or
 * nothing to change. The per-pod step of every decision: the tick's and a pre-tool hint's (hint.ts).
 */
export function guardedAction(
  rec: ResizeRecommendation,
  pod: PodView,
  mem: PodMemory,
  nowMs: number,
  cfg: EngineConfig,
  policy: string,
): { readonly kind: 'resize'; readonly action: Action } | { readonly kind: 'skip'; readonly reason: string } | { readonly kind: 'unchanged' } {
  const g = guardResize(rec, pod, mem, cfg.guards, { nowMs, staleAfterS: staleBoundS(cfg, mem.gapS) });
  if (g.kind !== 'resize') return g;
  // Every decision says how old the data behind it is.
  const ageS = mem.lastSampleMs === undefined ? undefined : Math.round((nowMs - mem.lastSampleMs) / 1000);
  const age = ageS === undefined ? 'no sample yet' : `newest sample ${ageS} s old`;
  const reason = [rec.reason, ...g.notes, age].join('; ');
  const inputs = ageS === undefined ? rec.inputs : { ...rec.inputs, sampleAgeS: ageS };
  const action: Action = { kind: 'resize', pod: pod.ref, container: pod.container, requests: g.requests, limits: g.limits, policy, reason, inputs };
  raises.set(action, raisedFields(pod, g));
  return { kind: 'resize', action };
}

/**
 * Applies one action and folds its outcome into the pod's memory (cooldowns, back-off, the verdict to
 * await), then reports and logs it. The per-action step of the tick and of a pre-tool hint.
 */
export async function actOn<S>(
  deps: Pick<TickDeps<S>, 'actuator' | 'log' | 'observer'>,
  state: EngineState<S>,
  cfg: EngineConfig,
  action: Action,
  nowMs: number,
  signal: AbortSignal,
): Promise<Result<Applied, ActuationError>> {
  const result = await deps.actuator.apply(action, { dryRun: cfg.dryRun, signal });
  settle(deps, state, cfg, action, result, nowMs);
  return result;
}

/** Folds one action's outcome into the state, the metrics and the log. */
function settle<S>(
  deps: Pick<TickDeps<S>, 'log' | 'observer'>,
  state: EngineState<S>,
  cfg: EngineConfig,
  action: Action,
  result: Result<Applied, ActuationError>,
  nowMs: number,
): void {
  recordOutcome(state, action, result, nowMs, cfg);
  deps.observer?.actionDone?.(action, result.ok ? result.value.outcome : `error:${result.error.code}`);
  logOutcome(deps.log, action, result);
}

/** What each action raises, so its success can start those values' downscale cooldowns. */
const raises = new WeakMap<Action, ResourceField[]>();

function recordOutcome<S>(state: EngineState<S>, action: Action, result: Result<Applied, ActuationError>, nowMs: number, cfg: EngineConfig): void {
  if (action.kind !== 'resize') return;
  const m = state.pods.get(`${action.pod.namespace}/${action.pod.name}`);
  if (!m) return;
  if (!result.ok) return;
  const outcome = result.value.outcome;
  if (outcome === 'pending') m.awaiting = { action, sentMs: nowMs };
  if (outcome === 'applied' || outcome === 'pending') {
    m.lastChangeMs = nowMs;
    for (const field of raises.get(action) ?? []) (m.raisedAtMs ??= {})[field] = nowMs;
    m.deferredUntilMs = undefined;
    m.deferredBackoffS = undefined;
  } else if (outcome === 'deferred') {
    const backoff = Math.min(cfg.deferredBackoffS.max, m.deferredBackoffS ? m.deferredBackoffS * 2 : cfg.deferredBackoffS.initial);
    m.deferredBackoffS = backoff;
    m.deferredUntilMs = nowMs + backoff * 1000;
  } else if (outcome === 'infeasible') {
    m.infeasibleRequests = action.requests;
  }
}

function logOutcome(log: Logger, action: Action, result: Result<Applied, ActuationError>): void {
  const target = action.kind === 'resize' ? `${action.pod.namespace}/${action.pod.name}` : `${action.scaledObject.namespace}/${action.scaledObject.name}`;
  if (result.ok) {
    // 'pending' is a PATCH the API server took; the kubelet's verdict is logged when it is read (noteVerdict).
    const what = result.value.outcome === 'pending' ? 'sent, awaiting the kubelet' : result.value.outcome;
    log.info({ target, kind: action.kind, outcome: result.value.outcome, reason: action.reason, inputs: action.inputs }, `${action.kind} ${what}`);
  } else {
    log.warn({ target, kind: action.kind, code: result.error.code, err: result.error.message, reason: action.reason }, `${action.kind} failed`);
  }
}
