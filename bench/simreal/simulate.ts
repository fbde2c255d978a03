/**
 * The simulator's side of a sim-vs-real run: the same sessions, started at the offsets the real pods
 * started at, the same ConfigMap (engine, policy and its settings) the real controller ran with, and
 * the simulated cluster set up as the real node was (one node of its allocatable, pods starting at the
 * static sizes, the measured cAdvisor cadence and lag, the measured resize latency and restart timing).
 */
import { benchEngineConfig, simSettingsFor } from '../replay/bench-deps.js';
import { inMemoryStream } from '../replay/in-memory-trace.js';
import { replay } from '../replay/replay.js';
import type { SimSettings } from '../replay/replay-types.js';
import { DEFAULT_SIM_SETTINGS } from '../sim/defaults.js';
import { parseConfigObject, formatIssues } from '../../src/config/index.js';
import type { Policy, PolicyContext } from '../../src/policy/policy.js';
import { createPolicy } from '../../src/policy/registry.js';
import type { Resources } from '../../src/core/types.js';
import { gridTrace, type GridSession } from './sessions.js';
import type { ActionNote, SideFigures } from './figures.js';

/** The cluster knobs a sim-vs-real run sets from the real node and its measurements. */
export interface SimSide {
  readonly nodeAllocatable: Resources;
  readonly scrapeIntervalS: number;
  readonly scrapeLagS: number;
  readonly resizeLatencyS: number;
  readonly oomBackoffS: { readonly initial: number; readonly max: number };
  /** Seconds after the last session's planned end that the real run went on waiting (its deadline). */
  readonly drainS: number;
}

/** The simulator settings of a run: the defaults, overridden by what the real node had or showed. */
export function simSettingsOf(side: SimSide, policies: Parameters<typeof simSettingsFor>[1]): SimSettings {
  return {
    ...simSettingsFor(DEFAULT_SIM_SETTINGS, policies),
    nodeAllocatable: side.nodeAllocatable,
    scrapeIntervalS: side.scrapeIntervalS,
    scrapeLagS: side.scrapeLagS,
    resizeLatencyS: side.resizeLatencyS,
    oomBackoffS: side.oomBackoffS,
    // One real node: the simulated pool may not grow past it.
    maxNodes: 1,
  };
}

/**
 * The policy as the controller ran on the real node when the committed record was measured: without
 * the admission webhook (opt-in, Helm admissionWebhook.enabled; a new pod starts at its template's sizes
 * and is resized after creation) and without node allocatable (the node-read ClusterRole was not bound).
 * Without them the simulated controller sees what the real one saw.
 */
export function asDeployed<S>(p: Policy<S>): Policy<S> {
  const strip = (ctx: PolicyContext): PolicyContext => ({ ...ctx, pods: ctx.pods.map(({ nodeAllocatable: _node, ...pod }) => pod) });
  const rest: Policy<S> & { admit?: unknown } = { ...p };
  delete rest.admit;
  return {
    ...rest,
    observe: (st, samples, ctx) => p.observe(st, samples, strip(ctx)),
    recommend: (st, ctx) => p.recommend(st, strip(ctx)),
    ...(p.hint ? { hint: (st: S, h: Parameters<NonNullable<Policy<S>['hint']>>[1], ctx: PolicyContext) => p.hint?.(st, h, strip(ctx)) } : {}),
  };
}

/** `deployed`: the controller as it runs in a cluster (asDeployed); otherwise as `burstguard bench` runs it. */
export interface SimulateOptions {
  readonly deployed: boolean;
}

/** Replays the sessions in the simulator under `config` (the object the real controller's ConfigMap held). */
export async function simulate(sessions: readonly GridSession[], offsetsS: readonly number[], config: Record<string, unknown>, side: SimSide, o: SimulateOptions = { deployed: true }): Promise<SideFigures & { readonly actions: ActionNote[] }> {
  const parsed = parseConfigObject(config);
  if (!parsed.ok) throw new Error(`sim-vs-real config: ${formatIssues(parsed.error)}`);
  const cfg = parsed.value;
  const made = createPolicy(cfg.policy, cfg.policies);
  if (!made.ok) throw new Error(made.error);
  const policy = { ok: true, value: o.deployed ? asDeployed(made.value) : made.value };
  const samples = gridTrace(sessions, offsetsS);
  const outcome = await replay({
    header: { format: 'burstguard-trace', version: 1, name: 'sim-vs-real', source: 'bench/simreal', license: 'see the source trace', intervalSeconds: 1 },
    open: () => inMemoryStream(samples),
    policy: policy.value,
    sim: simSettingsOf(side, cfg.policies),
    engine: benchEngineConfig(cfg.engine),
    seed: 1,
    warmupS: 0,
  }, { tuning: { drainS: side.drainS, sampleActions: 10_000 } });
  const r = outcome.row;
  const bySession = new Map(outcome.perSession.map((p) => [p.session, p]));
  return {
    oomKills: r.oomKills + r.nodeOomKills,
    evictions: r.evictions,
    resizes: r.resizes,
    sessionsUnfinished: r.sessionsFailed,
    actions: outcome.sampleActions.map((a) => ({ tS: a.tS, pod: a.pod.split('/').pop() ?? a.pod, reason: a.reason })),
    sessions: sessions.map((s) => {
      const p = bySession.get(s.name);
      return { name: s.name, oomKills: p?.oomKills ?? 0, peakMemBytes: p?.peakHeldMem ?? 0 };
    }),
  };
}
