import type { Action } from '../../src/core/types.js';
import type { Logger, TickObserver } from '../../src/engine/ports.js';
import type { Policy } from '../../src/policy/policy.js';
import { newEngineState, tick, type EngineState, type TickDeps } from '../../src/engine/tick.js';
import { actOnHint } from '../../src/engine/hint.js';
import type { EngineConfig, GuardConfig } from '../../src/engine/engine-config.js';
import { clampAdmission } from '../../src/engine/admission-bounds.js';
import { oracleHorizonS, wantsLookahead } from './oracle.js';
import { setsPodTemplate, type ReplayInput, type ReplayOutcome } from './replay-types.js';
import { round } from '../score/scoring.js';
import { traceMs, VirtualClock } from '../sim/clock.js';
import { SimCluster } from '../sim/cluster.js';
import { DEFAULT_SIM_TUNING, type SimTuning } from '../sim/defaults.js';
import { TraceFeed } from '../sim/feed.js';
import { HintChannel } from '../sim/hints.js';
import { SIM_CONTAINER, SimActuator, SimClusterView } from '../sim/ports.js';
import type { SessionData } from '../sim/session.js';

export { DEFAULT_SIM_SETTINGS, DEFAULT_SIM_TUNING, type SimTuning } from '../sim/defaults.js';

/** Optional wiring of a replay that is not part of the bench contract (tests, perf script, report). */
export interface ReplayHooks {
  /** Sees every action the engine tick takes, with its outcome (the parity test listens here). */
  readonly observer?: TickObserver;
  /** Wall clock in ms for `replaySeconds`; performance.now by default. */
  readonly wallClock?: () => number;
  readonly tuning?: Partial<SimTuning>;
  readonly log?: Logger;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A session whose pod is gone is forgotten by the policy once its last lagged scrapes have been served. */
interface GoneKey {
  readonly key: string;
  readonly atT: number;
}

/**
 * Replays a trace through the simulated cluster with one policy. The loop owns a virtual clock: it
 * advances the cluster one step at a time and, every `engine.tickIntervalS`, awaits the one engine tick
 * (src/engine/tick.ts) with the simulator's ports, exactly as the controller does with real ones. The
 * bench has no policy logic of its own (the oracle excepted, which needs the simulator's lookahead).
 */
export async function replay(input: ReplayInput, hooks: ReplayHooks = {}): Promise<ReplayOutcome> {
  // The bench replays what acting would do: a ConfigMap still in dry-run (the controller's safe
  // default) is replayed as if actuation were on, or every policy would score as static.
  const engine = input.engine.dryRun ? { ...input.engine, dryRun: false } : input.engine;
  const tuning: SimTuning = { ...DEFAULT_SIM_TUNING, ...hooks.tuning };
  checkSettings(input, tuning);
  const wall = hooks.wallClock ?? ((): number => performance.now());
  const wallStart = wall();
  const dt = tuning.stepS;
  const lookaheadS = Math.max(tuning.lookaheadS, oracleHorizonS(input.sim, engine) + dt);
  const feed = new TraceFeed(input.open(), tuning.reorderWindowS, lookaheadS);
  const hints = input.hints !== undefined ? new HintChannel(input.hints, input.seed) : undefined;
  const cluster = new SimCluster({
    ...(hints ? { hints } : {}),
    sim: input.sim,
    tuning,
    namespace: engine.namespace,
    seed: input.seed,
    warmupS: input.warmupS,
    timelineSessions: input.timelineSessions ?? 0,
    ...(setsPodTemplate(input.policy) ? { podTemplate: input.policy.podTemplate.bind(input.policy) } : {}),
  });
  if (wantsLookahead(input.policy)) input.policy.connect(cluster);
  const state = newEngineState(input.policy);
  wireAdmission(cluster, input.policy, state.policyState, engine.guards);

  let T = 0;
  // The actuator's "now": the step's end, or a hint's arrival between two steps.
  let actT = 0;
  const clock = new VirtualClock();
  const sampleActions: Array<{ tS: number; pod: string; reason: string }> = [];
  const observer: TickObserver = {
    actionDone(action: Action, outcome: string): void {
      if (sampleActions.length < tuning.sampleActions) sampleActions.push(describe(action, outcome, T));
      hooks.observer?.actionDone?.(action, outcome);
    },
    skipped: (pod, reason) => hooks.observer?.skipped?.(pod, reason),
    sourceFailed: (e) => hooks.observer?.sourceFailed?.(e),
    tickDone: (r) => hooks.observer?.tickDone?.(r),
  };
  const deps: TickDeps = {
    clock,
    source: cluster.scrapes,
    view: new SimClusterView(cluster, () => actT),
    actuator: new SimActuator(cluster, () => actT),
    policy: input.policy,
    log: hooks.log ?? quiet,
    observer,
  };
  const signal = new AbortController().signal;

  await feed.fillTo(Number.MIN_SAFE_INTEGER);
  const first = feed.nextStart;
  if (Number.isFinite(first)) {
    const T0 = Math.floor(first / dt) * dt;
    const tickS = engine.tickIntervalS;
    let nextTickT = Math.ceil(T0 / tickS) * tickS;
    // The controller's model-refit cron (default `*/30 * * * *`), replayed on the trace clock.
    const refitS = input.refitEveryS ?? DEFAULT_REFIT_EVERY_S;
    let nextRefitT = Math.ceil((T0 + 1) / refitS) * refitS;
    let nextProgressT = T0;
    const starting: SessionData[] = [];
    const gone: GoneKey[] = [];
    const forgetAfterS = input.sim.scrapeLagS + input.sim.scrapeIntervalS + 2 * tickS;
    for (let k = 0; ; k++) {
      T = T0 + k * dt;
      actT = T;
      if (feed.head < T + lookaheadS) {
        if (feed.isSync) feed.fillToSync(T + lookaheadS);
        else await feed.fillTo(T + lookaheadS);
      }
      starting.length = 0;
      feed.takeDue(T, starting);
      if (starting.length > 0) cluster.addSessions(starting, T);
      cluster.step(T);
      if (T >= nextTickT) {
        clock.setTraceSeconds(T);
        await tick(deps, state, engine, signal);
        // The controller flushes its Event recorder once per tick (runtime/main.ts).
        cluster.events.flush(traceMs(T), cluster.scored(T));
        nextTickT += tickS;
        forgetGone(input, state.policyState, { fresh: cluster.gone, waiting: gone, T, afterS: forgetAfterS });
      }
      if (hints !== undefined) {
        await deliverHints({ deps, state, engine, channel: hints, cluster, signal }, T, T + dt, (t) => {
          actT = t;
          clock.setTraceSeconds(t);
        });
        actT = T;
      }
      if (T >= nextRefitT) {
        input.policy.refit?.(state.policyState, clock.now());
        nextRefitT += refitS;
      }
      if (input.onProgress !== undefined && T >= nextProgressT) {
        input.onProgress(T);
        nextProgressT = T + 60;
      }
      if (feed.drained && cluster.idle) break;
      if (feed.drained && T - feed.lastSampleT >= tuning.drainS) {
        cluster.abandonAll(T);
        break;
      }
    }
  }

  // Series still open get the PATCH the recorder writes when they end; the Events are counted as sent.
  cluster.events.finish(cluster.scored(T));
  cluster.score.apiEvents = cluster.events.writes;
  const replaySeconds = (wall() - wallStart) / 1000;
  const perSession = [...cluster.perSession].sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : 0));
  const row = cluster.score.toRow(input.rowName ?? input.policy.name, replaySeconds);
  return {
    row: hints ? { ...row, ...hintFields(hints) } : row,
    trace: { name: input.header.name, sessions: feed.sessions, samples: feed.samples, podSeconds: round(feed.podSeconds, 3) },
    timeline: cluster.timeline,
    perSession,
    sampleActions,
  };
}

/** What delivering hints needs: the tick's own deps and state, the channel, the cluster. */
interface HintDelivery {
  readonly deps: TickDeps;
  readonly state: EngineState<unknown>;
  readonly engine: EngineConfig;
  readonly channel: HintChannel;
  readonly cluster: SimCluster;
  readonly signal: AbortSignal;
}

/**
 * The hints due before the next step reach the controller, each at its own instant (`setNow` moves
 * the clock and the actuator there): the controller's own hint path (actOnHint: the policy's tool
 * forecast, the tick's guards and actuator), with the simulator behind the ports as for the tick.
 */
async function deliverHints(d: HintDelivery, T: number, beforeT: number, setNow: (t: number) => void): Promise<void> {
  for (const h of d.channel.takeDue(beforeT)) {
    const at = Math.max(T, h.dueT);
    setNow(at);
    const outcome = await actOnHint(d.deps, d.state, d.engine, { pod: h.podKey, container: SIM_CONTAINER, tool: h.tool }, d.signal);
    if (!d.cluster.scored(at)) continue;
    d.channel.counts.delivered++;
    if (outcome.kind === 'resized' && outcome.result.ok) d.channel.counts.resized++;
  }
}

/** The hint counts as flat row fields (cross-validation pools rows by summing their numbers). */
function hintFields(ch: HintChannel): Record<string, number> {
  const c = ch.counts;
  return { hintsSent: c.sent, hintsLost: c.lost, hintsDelivered: c.delivered, hintResizes: c.resized };
}

/** Pods the simulator creates pass the policy's admission webhook, if it stands for one (vpa). */
/** The policy's admit() at pod creation, clamped to the guards' bounds as the controller's webhook does. */
function wireAdmission(cluster: SimCluster, policy: Policy, policyState: unknown, guards: GuardConfig): void {
  const admit = policy.admit?.bind(policy);
  if (!admit) return;
  cluster.admission = (pod, tS) => {
    const a = admit(policyState, pod, traceMs(tS));
    return a && clampAdmission(a, guards);
  };
}

/** Seconds between model refits when the input names none: the default `schedules.modelRefit`, every 30 min. */
export const DEFAULT_REFIT_EVERY_S = 1800;

/** Hands the policy the pods that are gone, once no lagged scrape of theirs can still arrive. */
function forgetGone(input: ReplayInput, policyState: unknown, o: { fresh: string[]; waiting: GoneKey[]; T: number; afterS: number }): void {
  const { fresh, waiting: gone, T, afterS } = o;
  for (const key of fresh) gone.push({ key, atT: T });
  fresh.length = 0;
  let i = 0;
  while (i < gone.length && T - (gone[i] as GoneKey).atT >= afterS) {
    input.policy.forget?.(policyState, (gone[i] as GoneKey).key);
    i++;
  }
  if (i > 0) gone.splice(0, i);
}

function describe(action: Action, outcome: string, T: number): { tS: number; pod: string; reason: string } {
  const target = action.kind === 'resize' ? `${action.pod.namespace}/${action.pod.name}` : `${action.scaledObject.namespace}/${action.scaledObject.name}`;
  return { tS: T, pod: target, reason: outcome === 'applied' ? action.reason : `${action.reason} [${outcome}]` };
}

function checkSettings(input: ReplayInput, tuning: SimTuning): void {
  const problems: string[] = [];
  const positive = { stepS: tuning.stepS, tickIntervalS: input.engine.tickIntervalS, scrapeIntervalS: input.sim.scrapeIntervalS };
  for (const [name, v] of Object.entries(positive)) if (!(v > 0)) problems.push(`${name} must be > 0 (got ${v})`);
  for (const [name, v] of Object.entries({ scrapeLagS: input.sim.scrapeLagS, resizeLatencyS: input.sim.resizeLatencyS, warmupS: input.warmupS })) {
    if (!(v >= 0)) problems.push(`${name} must be >= 0 (got ${v})`);
  }
  if (problems.length > 0) throw new Error(`replay settings: ${problems.join('; ')}`);
}
