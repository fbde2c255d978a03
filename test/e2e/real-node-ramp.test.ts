/**
 * Issue 11 on the real node: a pod that exports NO agent series (memory only: it is not in Prometheus's
 * agent targets) ramps its memory steadily past its starting limit while Prometheus scrapes the
 * kubelet's own cAdvisor (samples stamped every 10–20 s, arriving late). With burstguard predictive
 * acting, the pod's own memory trend must raise the limit ahead of the ramp: no OOM kill, and at least
 * one raise lands before usage reaches the limit it replaced.
 *
 * Two figures are reported (t.diagnostic, never asserted as times):
 * - the share of cAdvisor samples the controller read: the sum of `samples` over its "prometheus fetch"
 *   debug lines (one per new memory timestamp of the namespace's one pod, de-duplicated by timestamp in
 *   join.ts) against the distinct timestamps Prometheus holds for the pod up to the last fetch's end;
 * - the reaction time: from the moment the agent's held memory (its own gauge, polled every 250 ms)
 *   crossed the start of the ramp, to the controller's log line for its first raise (written right after
 *   the PATCH returned).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freePort, waitFor } from './harness/proc.js';
import { Mi, parseQuantity } from './harness/quantities.js';
import { realNodeSkipReason } from './harness/real-node/node.js';
import { agentGauge, agentStatus, createReplayPod, type PlanStep } from './harness/real-node/pods.js';
import { containerMemoryCgroup } from './harness/real-node/resize.js';
import { deletePods, readPod } from './harness/real-node/scenario.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { baseConfig, merge } from './harness/world.js';

const skip = realNodeSkipReason() ?? false;
const NAME = 'ramp';
const START_LIMIT = 250 * Mi;
const SIZE = { requests: { memBytes: 150 * Mi, cpuCores: 0.1 }, limits: { memBytes: START_LIMIT, cpuCores: 0.5 } };
/** cAdvisor stamps container samples every 10–20 s and they reach Prometheus seconds later. */
const REAL_NODE_ENGINE = { staleAfterS: 45 };
const HOLD_STEPS = 15;
const RAMP_STEPS = 90;
const BASE = 100 * Mi;
const SLOPE = 8 * Mi;

/** 15 s at 100 Mi (burstguard settles its cold-start limit, ~706 Mi), then 8 Mi/s for 90 s to 820 Mi (past it), then 5 s held. No agent fields. */
function ramp(): PlanStep[] {
  const steps: PlanStep[] = [];
  for (let i = 0; i < HOLD_STEPS; i++) steps.push({ m: BASE, c: 0.05 });
  for (let i = 1; i <= RAMP_STEPS; i++) steps.push({ m: BASE + SLOPE * i, c: 0.05 });
  for (let i = 0; i < 5; i++) steps.push({ m: BASE + SLOPE * RAMP_STEPS, c: 0.05 });
  return steps;
}

interface Probe {
  readonly tMs: number;
  readonly held: number | undefined;
  readonly usage: number | undefined;
  readonly statusLimit: number;
}

describe('real node: a memory-only ramp with late cAdvisor samples', { skip, timeout: 300_000 }, () => {
  let world: RealWorld;

  before(async () => {
    world = await startRealWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('raises the limit ahead of the ramp from the pod\'s own trend: no OOM kill', async (t) => {
    const core = world.admin.core;
    const scene = await world.scene('ramp');
    await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { engine: { ...REAL_NODE_ENGINE, guards: { maxDecreaseFraction: 0.9 } }, policy: 'predictive' }));
    const ctl = await scene.startController('ramp-0');
    const plan = { intervalMs: 1000, steps: ramp() };
    // Created directly, not through world.agentPod: Prometheus must not scrape its agent series.
    const port = await freePort();
    await createReplayPod(core, scene.ns, { name: NAME, plan, port, nodeName: world.node.name, ...SIZE });

    await scene.check(async () => {
      const probes: Probe[] = [];
      const last = plan.steps.length - 1;
      await waitFor('the replay at its last step (or a restart)', async () => {
        const p = await readPod(core, scene.ns, NAME);
        const st = agentStatus(p);
        const dir = containerMemoryCgroup(p);
        let usage: number | undefined;
        try {
          usage = dir === undefined ? undefined : Number(readFileSync(`${dir}/memory.usage_in_bytes`, 'utf8').trim());
        } catch {
          usage = undefined;
        }
        probes.push({ tMs: Date.now(), held: await agentGauge(port, 'e2e_agent_ballast_bytes'), usage, statusLimit: parseQuantity(st?.resources?.limits?.memory) });
        if ((st?.restartCount ?? 0) > 0) return true;
        return (await agentGauge(port, 'e2e_agent_replay_step')) === last ? true : undefined;
      }, 180_000, 250);

      const st = agentStatus(await readPod(core, scene.ns, NAME));
      assert.equal(st?.restartCount, 0, `no restart (last state ${JSON.stringify(st?.lastState)})`);
      assert.equal(st?.lastState?.terminated, undefined);

      // Raises as the kubelet applied them (status), with the usage the cgroup showed at that moment.
      const raises: Array<{ tMs: number; from: number; to: number; usage: number }> = [];
      for (let i = 1; i < probes.length; i++) {
        const a = probes[i - 1];
        const b = probes[i];
        if (a === undefined || b === undefined || !(a.statusLimit > 0) || !(b.statusLimit > a.statusLimit)) continue;
        raises.push({ tMs: b.tMs, from: a.statusLimit, to: b.statusLimit, usage: Math.max(a.usage ?? 0, b.usage ?? 0) });
      }
      const mib = (b: number): number => Math.round(b / Mi);
      t.diagnostic(`applied memory-limit raises: ${raises.map((r) => `${mib(r.from)}→${mib(r.to)} Mi at cgroup usage ${mib(r.usage)} Mi`).join(', ') || 'none'}`);
      // Reaction time: ramp onset (held memory above BASE) → the first raise PATCH in the controller's log.
      const onset = probes.find((p) => (p.held ?? 0) > BASE);
      assert.ok(onset !== undefined, 'the ramp started');
      // Only raises during the ramp count: the cold-start raise of a new pod says nothing about the trend.
      assert.ok(raises.some((r) => r.tMs > onset.tMs && r.usage < r.from), 'a raise during the ramp landed before usage reached the limit it replaced');
      const when = (l: Record<string, unknown>): number => Date.parse(String(l.time));
      const patches = ctl.logLines().filter((l) => l.kind === 'resize' && typeof l.outcome === 'string');
      const firstAfter = onset === undefined ? undefined : patches.find((l) => when(l) >= onset.tMs);
      if (onset !== undefined && firstAfter !== undefined) {
        t.diagnostic(`reaction time: ramp onset → first PATCH after it ${((when(firstAfter) - onset.tMs) / 1000).toFixed(1)} s (outcome ${String(firstAfter.outcome)}; reason: ${String(firstAfter.reason)})`);
      }
      for (const l of patches) t.diagnostic(`PATCH at ${String(l.time)} (${onset === undefined ? '?' : ((when(l) - onset.tMs) / 1000).toFixed(1)} s after onset): ${String(l.reason)}`);
      t.diagnostic(`resize PATCHes in all: ${patches.length}`);
    });

    // Share of cAdvisor samples read: stop the controller, then compare with what Prometheus holds.
    await ctl.stop();
    const fetches = ctl.logLines().filter((l) => l.msg === 'prometheus fetch');
    const read = fetches.reduce((s, l) => s + (typeof l.samples === 'number' ? l.samples : 0), 0);
    const lastEnd = Math.max(...fetches.map((l) => (typeof l.end === 'number' ? l.end : 0)));
    const sel = `container_memory_working_set_bytes{namespace="${scene.ns}",pod="${NAME}",container!="",container!="POD"}[10m]`;
    const r = await fetch(`${world.prom.url}/api/v1/query?query=${encodeURIComponent(sel)}&time=${lastEnd}`);
    const body = (await r.json()) as { data?: { result?: Array<{ values?: Array<[number, string]> }> } };
    const stamps = new Set<number>();
    for (const s of body.data?.result ?? []) for (const [ts] of s.values ?? []) stamps.add(ts);
    t.diagnostic(`cAdvisor samples: Prometheus holds ${stamps.size} distinct timestamps for the pod up to the last fetch's end; the controller read ${read} over ${fetches.length} fetches (${stamps.size > 0 ? Math.round((100 * read) / stamps.size) : NaN} %)`);
    assert.ok(stamps.size > 0, 'Prometheus holds cAdvisor samples of the pod');
    await deletePods(core, scene.ns);
  });
});
