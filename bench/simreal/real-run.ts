/**
 * The real node's side of a sim-vs-real run: the sessions as agent pods on a real kubelet (each replays
 * its memory and CPU for real), the controller as its own process (`burstguard run`, as in the
 * real-node scenarios) talking through the harness's recording proxy, one scene (namespace) per policy,
 * one policy after the other on one node. A pod is deleted when its replay reaches its last step (the
 * simulator ends a session there too); the run stops at the deadline, counting what is left as unfinished.
 */
import { agentGauge } from '../../test/e2e/harness/real-node/pods.js';
import { deletePods } from '../../test/e2e/harness/real-node/scenario.js';
import type { RealWorld } from '../../test/e2e/harness/real-node/world.js';
import { baseConfig, merge } from '../../test/e2e/harness/world.js';
import type { Res } from '../../test/e2e/harness/quantities.js';
import { summarize, type ActionNote, type RealExtras, type SideFigures } from './figures.js';
import { newPodRecord, observePod, pollCadvisor, resizedPod, timeResize, type CadvisorWatch, type PodRecord, type ResizeTimings } from './real-observe.js';
import type { GridSession } from './sessions.js';

/** How a run sizes and drives its pods. */
export interface RealRunOptions {
  readonly policy: string;
  /** The pods' initial sizes; also the `static` policy's sizes (what the simulator starts pods with). */
  readonly requests: Res;
  readonly limits: Res;
  /** Seconds the run waits past the last session's planned end (crash-looping sessions keep it busy). */
  readonly drainS: number;
  /** Extra ConfigMap settings merged over the real-node base config. */
  readonly extraConfig?: Record<string, unknown>;
  readonly log?: (line: string) => void;
}

export interface RealRun {
  /** The ConfigMap the controller ran with (the simulator gets the same). */
  readonly config: Record<string, unknown>;
  readonly startOffsetsS: number[];
  readonly figures: SideFigures & RealExtras;
  readonly actions: ActionNote[];
}

const mem = (b: number): string => `${Math.round(b / 2 ** 20)}Mi`;
const cpu = (c: number): string => `${Math.round(c * 1000)}m`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The config every run uses: the real-node scenarios' base (cAdvisor samples arrive late: staleAfterS 45). */
export function runConfig(ns: string, promUrl: string, o: RealRunOptions): Record<string, unknown> {
  const sizes = { requests: { memory: mem(o.requests.memBytes), cpu: cpu(o.requests.cpuCores) }, limits: { memory: mem(o.limits.memBytes), cpu: cpu(o.limits.cpuCores) } };
  // Info, not the scenarios' debug: twelve pods for minutes log hundreds of MB at debug, past what the
  // harness reads back (the resize lines the run keeps are info).
  const base = { engine: { staleAfterS: 45 }, policy: o.policy, policies: { static: sizes }, log: { level: 'info' } };
  return merge(merge(baseConfig(ns, promUrl), base), o.extraConfig ?? {});
}

/** Replays the sessions on the real node under one policy and reads what happened. */
export async function runOnRealNode(world: RealWorld, sessions: readonly GridSession[], o: RealRunOptions): Promise<RealRun> {
  const log = o.log ?? ((): void => undefined);
  const core = world.admin.core;
  const scene = await world.scene(o.policy, { viaProxy: true });
  const config = runConfig(scene.ns, world.prom.url, o);
  await scene.writeConfig(config);
  const ctl = await scene.startController(`${o.policy}-0`);
  await ctl.waitForLog('leadership', (l) => l.msg === 'leader election: became leader', 60_000);
  const recs = new Map<string, PodRecord>(sessions.map((s) => [s.name, newPodRecord()]));
  const timings: ResizeTimings = { toCgroupMs: [], toStatusMs: [], notApplied: 0 };
  const watches: Array<Promise<void>> = [];
  const proxy = scene.proxy;
  if (proxy === undefined) throw new Error('the scene has no proxy');
  proxy.beforeForward = (req) => {
    const name = resizedPod(req.path);
    const pod = name === undefined ? undefined : recs.get(name)?.latest;
    if (req.method === 'PATCH' && pod !== undefined) watches.push(timeResize({ core, ns: scene.ns }, pod, req, timings));
    return Promise.resolve();
  };

  const t0 = Date.now();
  const ports = new Map<string, number>();
  for (const s of sessions) {
    const steps = s.mem.map((m, k) => {
      const t = s.tokens[k];
      const tool = s.tool[k];
      return { m, c: s.cpu[k] ?? 0, ...(t !== undefined ? { t } : {}), ...(tool !== undefined ? { tool } : {}), calls: s.calls[k] ?? 0, errors: s.errors[k] ?? 0 };
    });
    const { port } = await world.agentPod(scene, {
      name: s.name, plan: { intervalMs: 1000, steps }, requests: o.requests, limits: o.limits,
      labels: { 'burstguard.io/agent-class': s.agentClass },
    });
    ports.set(s.name, port);
  }
  log(`${o.policy}: ${sessions.length} pods created in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const longest = Math.max(...sessions.map((s) => s.mem.length - 1));
  const cadvisor: CadvisorWatch = { intervalsS: [], lagsS: [] };
  const lastStamp = new Map<string, number>();
  // Until every pod has started, the deadline counts from now (a pod that never starts must not hang the run).
  const hardDeadline = Date.now() + (longest + o.drainS + 120) * 1000;
  let deadline = Number.POSITIVE_INFINITY;
  for (;;) {
    const pods = (await core.listNamespacedPod({ namespace: scene.ns })).items;
    for (const p of pods) {
      const rec = recs.get(p.metadata?.name ?? '');
      if (rec !== undefined) observePod(rec, p);
    }
    const starts = [...recs.values()].map((r) => r.firstStartMs ?? Number.NaN);
    if (deadline === Number.POSITIVE_INFINITY && starts.every((x) => !Number.isNaN(x))) deadline = Math.max(...starts) + (longest + o.drainS) * 1000;
    for (const s of sessions) {
      const rec = recs.get(s.name) as PodRecord;
      if (rec.finished || rec.latest === undefined) continue;
      if ((await agentGauge(ports.get(s.name) ?? 0, 'e2e_agent_replay_step')) === s.mem.length - 1) {
        rec.finished = true;
        await core.deleteNamespacedPod({ name: s.name, namespace: scene.ns, gracePeriodSeconds: 1 }).catch(() => undefined);
        log(`${o.policy}: ${s.name} finished after ${((Date.now() - (rec.firstStartMs ?? t0)) / 1000).toFixed(0)} s (${rec.oomKills} OOM kills)`);
      }
    }
    await pollCadvisor((q) => world.prom.query(q), scene.ns, lastStamp, cadvisor);
    if ([...recs.values()].every((r) => r.finished) || Date.now() > Math.min(deadline, hardDeadline)) break;
    await sleep(500);
  }
  await ctl.stop();
  await Promise.all(watches);
  const actions = ctl.logLines().filter((l) => l.kind === 'resize' && typeof l.time === 'string').map((l) => ({
    tS: Math.round((Date.parse(String(l.time)) - t0) / 100) / 10, pod: String(l.target).split('/').pop() ?? '', reason: `${String(l.reason)}${l.outcome === undefined ? ` [${String(l.code)}]` : ''}`,
  }));
  await deletePods(core, scene.ns);
  const seen = proxy.seen.filter((r) => r.method === 'PATCH' && resizedPod(r.path) !== undefined);
  const firstSec = Math.floor(t0 / 1000);
  const startOffsetsS = sessions.map((s) => Math.max(0, Math.round((recs.get(s.name)?.firstStartMs ?? t0) / 1000) - firstSec));
  const all = [...recs.values()];
  return {
    config,
    startOffsetsS,
    actions,
    figures: {
      oomKills: all.reduce((a, r) => a + r.oomKills, 0),
      evictions: all.filter((r) => r.latest?.status?.reason === 'Evicted').length,
      resizes: seen.filter((r) => (r.status ?? 0) >= 200 && (r.status ?? 0) < 300).length,
      resizesRefused: seen.filter((r) => (r.status ?? 0) >= 400).length,
      sessionsUnfinished: all.filter((r) => !r.finished).length,
      restarts: all.reduce((a, r) => a + r.restarts, 0),
      sessions: sessions.map((s) => ({ name: s.name, oomKills: recs.get(s.name)?.oomKills ?? 0, peakMemBytes: recs.get(s.name)?.peakBytes ?? 0 })),
      resizeToCgroupMs: summarize(timings.toCgroupMs),
      resizeToStatusMs: summarize(timings.toStatusMs),
      resizesNotApplied: timings.notApplied,
      restartDelaysS: all.flatMap((r) => r.restartDelaysS).sort((a, b) => a.kill - b.kill || a.delayS - b.delayS),
      cadvisorIntervalS: summarize(cadvisor.intervalsS, 1),
      cadvisorLagS: summarize(cadvisor.lagsS, 1),
    },
  };
}
