/**
 * Differential test of the `vpa` policy against upstream VPA (k8s.io/autoscaler/vertical-pod-autoscaler,
 * the version tools/vpa-reference/go.mod pins). Both replay the scenarios in test/fixtures/vpa/: upstream
 * through tools/vpa-reference (built once per version into ~/.cache/burstguard by
 * tools/build-vpa-reference.sh), ours through the policy's own modules. Tolerances (docs/vpa-fidelity.md):
 *  - recommender: at every loop, target, lower and upper bound within 1 + m + (1 + margin)·m millicores
 *    (CPU) or bytes (memory), m the confidence multiplier: upstream keeps amounts as int64 and truncates
 *    after the percentile, after the margin and after the multiplier, each losing less than one unit,
 *    and the later steps scale the earlier losses (m is 1 for the target, up to 1441 for a young upper bound);
 *  - updater: the same pods patched, in the same order, with the same requests and limits (±1 m / ±1 B).
 * Needs Go; set BURSTGUARD_VPA_REFERENCE=skip to skip on a machine without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentSample, PodView, Resources } from '../../../src/core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../../../src/policy/policy.js';
import { lowerMultiplier, upperMultiplier } from '../../../src/policy/vpa/estimator.js';
import { createVpaPolicy, DEFAULT_VPA_OPTIONS } from '../../../src/policy/vpa/index.js';
import { trackPods } from '../../../src/policy/vpa/state.js';
import { runUpdater } from '../../../src/policy/vpa/updater-loop.js';
import type { UpdaterConfig } from '../../../src/policy/vpa/updater.js';
import { pod as fakePod } from '../../support/fakes.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/vpa');
/** Upstream's MaxResourceAmount: an upper bound with no confidence is capped here, ours is +∞. */
const MAX_AMOUNT = 1e14;

interface Amounts { cpuMillicores: number; memBytes: number }
interface Bounds { target: Amounts; lower: Amounts; upper: Amounts }
interface ScenarioPod {
  name: string; startMs: number; endMs?: number; requests: Amounts; limits?: Amounts;
  phase?: string; resize?: string; lastOomStartedMs?: number; lastOomFinishedMs?: number; infeasibleAttempt?: Amounts;
}
interface Scenario {
  name: string; about: string; kind: 'recommender' | 'updater';
  startMs: number; loopEveryS: number; loops: number; pods: ScenarioPod[];
  samples: Array<{ pod: string; tMs: number; cpuMillicores: number; memBytes: number }>;
  ooms: Array<{ pod: string; tMs: number }>;
  nowMs: number; recommendation: Bounds; controlledValues?: string; minReplicas: number; evictionTolerance: number;
}
interface Decision { pod: string; accepted: boolean; decision: string; patched: boolean; requests?: Amounts; limits?: Amounts }
interface Upstream { scenario: string; loops?: Array<Bounds & { tMs: number }>; order?: string[]; pods?: Decision[] }

const scenarios: Scenario[] = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as Scenario);

const toResources = (a: Amounts): Resources => ({ cpuCores: a.cpuMillicores / 1000, memBytes: a.memBytes });

/** Builds (or finds) the upstream driver and runs it over every scenario; undefined when skipped. */
function upstreamResults(): Map<string, Upstream> | string {
  if (process.env.BURSTGUARD_VPA_REFERENCE === 'skip') return 'BURSTGUARD_VPA_REFERENCE=skip';
  const built = spawnSync('bash', [join(root, 'tools/build-vpa-reference.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (built.status === 3) {
    throw new Error('the VPA differential test needs Go to build tools/vpa-reference (upstream VPA); install Go, or set BURSTGUARD_VPA_REFERENCE=skip');
  }
  if (built.status !== 0) throw new Error(`tools/build-vpa-reference.sh failed:\n${built.stderr}`);
  const bin = built.stdout.trim().split('\n').pop() ?? '';
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort().map((f) => join(fixtures, f));
  const run = spawnSync(bin, files, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`vpa-reference failed:\n${run.stderr}`);
  const out = new Map<string, Upstream>();
  for (const line of run.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as Upstream;
    out.set(r.scenario, r);
  }
  return out;
}

let cached: Map<string, Upstream> | string | undefined;
const upstream = () => (cached ??= upstreamResults());

/** Replays a recommender scenario through the policy, loop by loop, as the engine would drive it. */
type OurBounds = Bounds & { confidence: number };

function ourRecommender(s: Scenario): Map<number, OurBounds> {
  const policy = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS, emulateAdmission: false });
  const state = policy.init();
  const out = new Map<number, OurBounds>();
  let prev = s.startMs;
  for (let k = 1; k <= s.loops; k++) {
    const nowMs = s.startMs + k * s.loopEveryS * 1000;
    const pods: PodView[] = s.pods
      .filter((p) => p.startMs <= nowMs && !(p.endMs !== undefined && p.endMs <= prev))
      .map((p) => {
        const ooms = s.ooms.filter((o) => o.pod === p.name && o.tMs <= nowMs).map((o) => o.tMs);
        return fakePod(p.name, { startedAtMs: p.startMs, requests: toResources(p.requests), limits: toResources(p.limits ?? p.requests), lastOomAtMs: ooms.length ? Math.max(...ooms) : undefined });
      });
    const samples: AgentSample[] = s.samples
      .filter((x) => x.tMs > prev && x.tMs <= nowMs)
      .map((x) => ({ pod: `agents/${x.pod}`, agentClass: 'swe', tMs: x.tMs, cpuCores: x.cpuMillicores / 1000, memBytes: x.memBytes }));
    policy.observe(state, samples, { nowMs, pods, scaledObjects: [] });
    const r = state.recommendations.get('swe');
    if (r) {
      const m = (x: Resources): Amounts => ({ cpuMillicores: x.cpuCores * 1000, memBytes: x.memBytes });
      out.set(nowMs, { target: m(r.target), lower: m(r.lower), upper: m(r.upper), confidence: r.confidence });
    }
    prev = nowMs;
  }
  return out;
}

const resizePhase = (r: string | undefined): PodView['resize'] =>
  r === 'in-progress' ? { phase: 'in-progress' } : r === 'deferred' || r === 'infeasible' || r === 'error' ? { phase: r, message: r } : { phase: 'none' };

/** One updater loop of the policy against the scenario's recommendation and pod states. */
function ourUpdater(s: Scenario): ResizeRecommendation[] {
  const o = { ...DEFAULT_VPA_OPTIONS, minReplicas: s.minReplicas, evictionTolerance: s.evictionTolerance, emulateAdmission: false, controlledValues: s.controlledValues === 'RequestsOnly' ? 'RequestsOnly' as const : 'RequestsAndLimits' as const };
  const policy = createVpaPolicy(o);
  const state = policy.init();
  state.recommendations.set('swe', { target: toResources(s.recommendation.target), lower: toResources(s.recommendation.lower), upper: toResources(s.recommendation.upper), confidence: 0.1 });
  const pods = s.pods.map((p) =>
    fakePod(p.name, {
      startedAtMs: p.startMs, requests: toResources(p.requests), limits: toResources(p.limits ?? p.requests),
      running: p.phase !== 'Pending', resize: resizePhase(p.resize), lastOomAtMs: p.lastOomFinishedMs,
    }),
  );
  trackPods(state, pods);
  for (const p of s.pods) {
    const t = state.pods.get(`agents/${p.name}`);
    assert.ok(t);
    if (p.lastOomStartedMs !== undefined && p.lastOomFinishedMs !== undefined) {
      t.lastOomMs = p.lastOomFinishedMs;
      t.lastOomRuntimeMs = p.lastOomFinishedMs - p.lastOomStartedMs;
    }
    if (p.infeasibleAttempt) t.lastInfeasible = toResources(p.infeasibleAttempt);
  }
  const cfg: UpdaterConfig = { podUpdateThreshold: o.podUpdateThreshold, podLifetimeUpdateThresholdMs: o.podLifetimeUpdateThresholdS * 1000, evictAfterOomThresholdMs: o.evictAfterOomThresholdS * 1000 };
  const ctx: PolicyContext = { nowMs: s.nowMs, pods, scaledObjects: [] };
  return runUpdater(state, ctx, o, cfg);
}

function near(what: string, ours: number, theirs: number, tol: number): void {
  if (theirs >= MAX_AMOUNT && ours >= MAX_AMOUNT) return;
  assert.ok(Math.abs(ours - theirs) <= tol, `${what}: ours ${ours}, upstream ${theirs} (tolerance ${tol})`);
}

/** Upstream's truncation error bound (see the header) for a value scaled by confidence multiplier m. */
const tolerance = (m: number): number => 1 + m + (1 + DEFAULT_VPA_OPTIONS.safetyMarginFraction) * m;

/** Largest differences seen in a scenario: absolute on the target, relative on any value. */
interface Worst { targetCpuM: number; targetMemB: number; relative: number }

function sameBounds(at: string, ours: OurBounds, theirs: Bounds, worst: Worst): void {
  const m = { target: 1, lower: Math.min(1, lowerMultiplier(ours.confidence)), upper: upperMultiplier(ours.confidence) };
  for (const k of ['target', 'lower', 'upper'] as const) {
    near(`${at} ${k} cpu (m)`, ours[k].cpuMillicores, theirs[k].cpuMillicores, tolerance(m[k]));
    near(`${at} ${k} memory (B)`, ours[k].memBytes, theirs[k].memBytes, tolerance(m[k]));
    for (const r of ['cpuMillicores', 'memBytes'] as const) {
      if (theirs[k][r] > 0 && theirs[k][r] < MAX_AMOUNT) worst.relative = Math.max(worst.relative, Math.abs(ours[k][r] - theirs[k][r]) / theirs[k][r]);
    }
  }
  worst.targetCpuM = Math.max(worst.targetCpuM, Math.abs(ours.target.cpuMillicores - theirs.target.cpuMillicores));
  worst.targetMemB = Math.max(worst.targetMemB, Math.abs(ours.target.memBytes - theirs.target.memBytes));
}

for (const s of scenarios) {
  test(`vpa matches upstream VPA: ${s.name} (${s.about})`, (t) => {
    const up = upstream();
    if (typeof up === 'string') return t.skip(up);
    const theirs = up.get(s.name);
    assert.ok(theirs, `upstream printed no result for ${s.name}`);
    if (s.kind === 'recommender') {
      const ours = ourRecommender(s);
      const loops = theirs.loops ?? [];
      assert.ok(loops.length > 0, 'upstream made recommendations');
      let compared = 0;
      const worst: Worst = { targetCpuM: 0, targetMemB: 0, relative: 0 };
      for (const l of loops) {
        const o = ours.get(l.tMs);
        if (!o) {
          // Upstream recommends the minimums for an aggregate without samples yet; we wait for a sample.
          assert.ok(!s.samples.some((x) => x.tMs <= l.tMs), `no recommendation of ours at ${l.tMs - s.startMs} ms though samples arrived`);
          continue;
        }
        sameBounds(`loop at +${(l.tMs - s.startMs) / 1000}s`, o, l, worst);
        compared++;
      }
      assert.ok(compared > 0);
      t.diagnostic(`${compared} loops; largest target difference ${worst.targetCpuM.toFixed(2)} m CPU, ${worst.targetMemB.toFixed(2)} B memory; largest relative difference of any bound ${(worst.relative * 100).toFixed(3)} %`);
      return;
    }
    const ours = ourUpdater(s);
    const patched = (theirs.pods ?? []).filter((d) => d.patched);
    const order = theirs.order ?? [];
    const expected = patched.map((d) => d.pod).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    assert.deepEqual(ours.map((r) => r.pod.replace('agents/', '')), expected, 'patched pods, in upstream order');
    t.diagnostic(`upstream patches ${expected.join(', ') || 'nothing'}; ours the same`);
    for (const d of patched) {
      const r = ours.find((x) => x.pod === `agents/${d.pod}`);
      const pod = s.pods.find((p) => p.name === d.pod);
      // RequestsOnly: upstream's patch leaves the limits out, so they stay as the pod has them.
      const limits = d.limits ?? pod?.limits;
      assert.ok(r && d.requests && limits);
      near(`${d.pod} request cpu`, r.requests.cpuCores * 1000, d.requests.cpuMillicores, 1);
      near(`${d.pod} request memory`, r.requests.memBytes, d.requests.memBytes, 1);
      near(`${d.pod} limit cpu`, r.limits.cpuCores * 1000, limits.cpuMillicores, 1);
      near(`${d.pod} limit memory`, r.limits.memBytes, limits.memBytes, 1);
    }
  });
}
