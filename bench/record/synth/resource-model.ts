/**
 * The synthetic resource model: maps what an agent did (tool calls with their category, errors and
 * retries, context size over time) to the memory and CPU its pod would show, one sample per second.
 * Seeded: the same activity, parameters and seed give the same samples.
 *
 * Memory at a sample time t (all terms in bytes):
 *
 *   mem(t) = B + R(t) + Σ_calls b_k·ramp_k(t) + Σ_spikes S_j·shape(t − s_j) + H(t) + c·ctx(t) + ε_t
 *
 *   B          session baseline, B = baseline · exp(σ_B·z) (one draw per session); the first sample is
 *              the container starting (startupBytes)
 *   R(t)       retained memory: each finished call leaves Exp(mean retain_c) behind (caches, imports)
 *   b_k        the k-th call's working-set bump while it runs, lognormal(bumpMedian_c, bumpSigma_c)
 *   ramp_k(t)  min(1, (min(t, end_k) − start_k + 1) / rampSeconds) · wobble, for calls overlapping (t−1, t]
 *   S_j, s_j   spikes: a call is spiky with probability pBurst_c (pBurstHeavy_c in a heavy session: a
 *              session is heavy with probability heavySessionChance, because in the real data bursts
 *              cluster in the few tasks whose test suites are heavy); a spiky call spikes at its start
 *              and then as a Poisson process (spikeRatePerSecond) until it ends; S_j is
 *              lognormal(burstMedian_c, burstSigma_c) and decays over seconds by `spikeShape`
 *   H(t)       retry hold: while a retry run of n calls is going on, n · retryHold (capped) stays allocated
 *   c·ctx(t)   context term, only when the model (or its prompt cache) runs in the pod: c bytes per token
 *   ε_t        per-second jitter, N(0, noise²)
 *
 * CPU at t is the idle draw (lognormal around idleCpu) plus, for each call overlapping (t−1, t], that
 * call's level cpu_c·exp(σ·z) (drawn per call) times a per-second wobble, plus each spike's CPU
 * (lognormal(spikeCpuMedian, 0.7)) under the same decay; with the model in the pod it also burns
 * modelCpuCores while no tool runs (it is generating).
 *
 * Defaults are fitted to the AgentCgroup container series (Claude Code + Haiku on SWE-rebench tasks,
 * run haiku_nolimit); `npm run bench:calibrate` prints how synthetic and real compare.
 */
import { createRng, hashString, type Rng } from '../../../src/core/rng.js';
import type { TraceSample } from '../../../src/trace/types.js';
import type { SessionActivity, ToolCall } from './activity.js';

const MB = 1e6;

/** How one tool category loads the pod. */
export interface ToolProfile {
  /** Median and log-spread of the small working-set bump every call brings. */
  readonly bumpMedianBytes: number;
  readonly bumpSigma: number;
  /** Chance a call is spiky (test runs, installs, builds), in an ordinary and in a heavy session. */
  readonly pBurst: number;
  readonly pBurstHeavy: number;
  /** Lognormal of one spike's size. */
  readonly burstMedianBytes: number;
  readonly burstSigma: number;
  /** CPU level while the call runs (median cores, log-spread across calls). */
  readonly cpuMedianCores: number;
  readonly cpuSigma: number;
  /** Mean bytes a finished call leaves allocated. */
  readonly retainMeanBytes: number;
}

/** Every parameter of the model; `defaultResourceParams` holds the calibrated values. */
export interface ResourceModelParams {
  readonly baselineBytes: number;
  readonly baselineSigma: number;
  /** Memory of the first sample, as the container starts. */
  readonly startupBytes: number;
  readonly heavySessionChance: number;
  readonly spikeRatePerSecond: number;
  /** Fraction of a spike left k seconds after it starts (k = 0, 1, ...); gone after the last entry. */
  readonly spikeShape: readonly number[];
  readonly spikeCpuMedianCores: number;
  readonly noiseBytes: number;
  readonly idleCpuMedianCores: number;
  readonly idleCpuSigma: number;
  readonly idleCpuMaxCores: number;
  readonly rampSeconds: number;
  /** Profiles by exact tool name (`Bash:test`); then unknown `Bash:*` use `Bash:other`, `Api:fn` uses `Api`; else `defaultTool`. */
  readonly tools: Readonly<Record<string, ToolProfile>>;
  readonly defaultTool: ToolProfile;
  /** Whether the agent's model (or its KV / prompt cache) lives in the pod: only then context costs memory. */
  readonly modelInPod: boolean;
  readonly contextBytesPerToken: number;
  readonly modelCpuCores: number;
  /** Memory held per retry in a running retry loop, and the most retries that add to it. */
  readonly retryHoldBytes: number;
  readonly retryHoldMaxRetries: number;
}

function light(bumpMb: number, bumpSigma: number, cpu: number): ToolProfile {
  return { bumpMedianBytes: bumpMb * MB, bumpSigma, pBurst: 0, pBurstHeavy: 0, burstMedianBytes: 0, burstSigma: 0, cpuMedianCores: cpu, cpuSigma: 0.6, retainMeanBytes: 0.3 * MB };
}

/**
 * Calibrated defaults. Per-category figures come from the AgentCgroup tool-call table joined with the
 * memory series (excess over the pre-call level; max CPU during the call); categories the data does not
 * hold (`Bash:build`, `Api`) are assumptions, marked so.
 */
export const defaultResourceParams: ResourceModelParams = {
  baselineBytes: 186 * MB,
  baselineSigma: 0.02,
  startupBytes: 12 * MB,
  heavySessionChance: 0.05,
  spikeRatePerSecond: 1 / 25,
  spikeShape: [1, 0.45, 0.2, 0.08],
  spikeCpuMedianCores: 3,
  noiseBytes: 0.8 * MB,
  idleCpuMedianCores: 0.03,
  idleCpuSigma: 1.2,
  idleCpuMaxCores: 1.2,
  rampSeconds: 1.5,
  tools: {
    'Bash:test': { bumpMedianBytes: 15 * MB, bumpSigma: 0.8, pBurst: 0.005, pBurstHeavy: 0.6, burstMedianBytes: 550 * MB, burstSigma: 0.6, cpuMedianCores: 0.4, cpuSigma: 0.8, retainMeanBytes: 1.5 * MB },
    // Assumption (no builds in the calibration set): compilers behave like heavy test runs.
    'Bash:build': { bumpMedianBytes: 40 * MB, bumpSigma: 1.0, pBurst: 0.05, pBurstHeavy: 0.6, burstMedianBytes: 450 * MB, burstSigma: 0.75, cpuMedianCores: 1.2, cpuSigma: 0.7, retainMeanBytes: 2 * MB },
    'Bash:pkg_install': { bumpMedianBytes: 9 * MB, bumpSigma: 1.3, pBurst: 0.005, pBurstHeavy: 0.1, burstMedianBytes: 220 * MB, burstSigma: 0.5, cpuMedianCores: 0.15, cpuSigma: 0.8, retainMeanBytes: 2 * MB },
    'Bash:python_run': { bumpMedianBytes: 3 * MB, bumpSigma: 1.5, pBurst: 0.005, pBurstHeavy: 0.1, burstMedianBytes: 200 * MB, burstSigma: 0.6, cpuMedianCores: 0.1, cpuSigma: 1.2, retainMeanBytes: 0.5 * MB },
    'Bash:python_snippet': light(1.5, 1.0, 0.03),
    'Bash:git': light(2.5, 0.6, 0.01),
    'Bash:file_explore': light(1.5, 0.9, 0.02),
    'Bash:text_proc': light(2, 0.9, 0.01),
    'Bash:other': light(2.5, 0.9, 0.01),
    Read: light(2, 0.8, 0.01),
    Grep: { ...light(2, 0.9, 0.01), pBurst: 0.003, pBurstHeavy: 0.02, burstMedianBytes: 150 * MB, burstSigma: 0.3 },
    Glob: light(1.5, 1.2, 0.01),
    Edit: light(2, 0.7, 0.01),
    Write: light(3, 0.4, 0.01),
    TodoWrite: light(2, 0.6, 0.01),
    Task: light(25, 0.8, 0.005),
    WebFetch: light(10, 0.6, 0.01),
    WebSearch: light(1.5, 1.0, 0.005),
    // Assumption: an API-style agent's tools are in-process function calls against a small database.
    Api: light(1, 0.8, 0.01),
  },
  defaultTool: light(2, 1.0, 0.02),
  modelInPod: false,
  // Assumption (the calibration set runs its model remotely): a small local model's KV cache, ~8 KiB/token.
  contextBytesPerToken: 8192,
  modelCpuCores: 1.0,
  retryHoldBytes: 24 * MB,
  retryHoldMaxRetries: 8,
};

/** The profile for a tool name under the given parameters. */
export function toolProfile(params: ResourceModelParams, tool: string): ToolProfile {
  const family = tool.split(':')[0] ?? tool;
  return params.tools[tool] ?? (family === 'Bash' ? params.tools['Bash:other'] : params.tools[family]) ?? params.defaultTool;
}

function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

/** A short memory (and CPU) spike inside a spiky call. */
interface Spike {
  readonly t: number;
  readonly bytes: number;
  readonly cpu: number;
}

/** Per-call draws, made once in call order so a seed fixes them. */
interface CallDraw {
  readonly call: ToolCall;
  readonly bump: number;
  readonly cpu: number;
  readonly retain: number;
  /** Retry hold in effect while this call runs (0 unless it is part of a retry run). */
  readonly hold: number;
}

interface Draws {
  readonly calls: CallDraw[];
  readonly spikes: Spike[];
}

function drawCalls(activity: SessionActivity, params: ResourceModelParams, rng: Rng, heavy: boolean): Draws {
  const sorted = [...activity.tools].sort((a, b) => a.start - b.start);
  const spikes: Spike[] = [];
  let run = 0;
  const calls = sorted.map((call) => {
    const p = toolProfile(params, call.tool);
    const spiky = rng.next() < (heavy ? p.pBurstHeavy : p.pBurst);
    const bump = lognormal(rng, p.bumpMedianBytes, p.bumpSigma);
    const cpu = lognormal(rng, p.cpuMedianCores, p.cpuSigma);
    const retain = -Math.log(1 - rng.next()) * p.retainMeanBytes;
    run = call.retry ? run + 1 : 0;
    const hold = Math.min(run, params.retryHoldMaxRetries) * params.retryHoldBytes * Math.exp(0.3 * rng.normal());
    // Spikes: one as the call starts, then a Poisson process while it runs.
    for (let at = call.start; spiky && at <= call.end; at += -Math.log(1 - rng.next()) / params.spikeRatePerSecond) {
      spikes.push({ t: at, bytes: lognormal(rng, p.burstMedianBytes, p.burstSigma), cpu: lognormal(rng, params.spikeCpuMedianCores, 0.7) });
    }
    return { call, bump, cpu, retain, hold };
  });
  spikes.sort((a, b) => a.t - b.t);
  return { calls, spikes };
}

/** Whether a call overlaps the sample interval (t − 1, t] (a zero-length call at t counts). */
function overlaps(c: ToolCall, t: number): boolean {
  return c.start <= t && c.end > t - 1;
}

/** What the calls contribute to the sample at t, and the counts it reports. */
interface CallsAt {
  mem: number;
  cpu: number;
  hold: number;
  inFlight: ToolCall | undefined;
  starts: number;
  retries: number;
  errors: number;
}

function callsAt(calls: readonly CallDraw[], t: number, params: ResourceModelParams, rng: Rng): CallsAt {
  const r: CallsAt = { mem: 0, cpu: 0, hold: 0, inFlight: undefined, starts: 0, retries: 0, errors: 0 };
  for (const d of calls) {
    const c = d.call;
    if (c.start > t) break;
    if (c.start > t - 1) {
      r.starts++;
      if (c.retry) r.retries++;
    }
    if (c.error && c.end > t - 1 && c.end <= t) r.errors++;
    if (!overlaps(c, t)) continue;
    r.inFlight = c;
    const ramp = Math.min(1, (Math.min(t, c.end) - c.start + 1) / params.rampSeconds);
    r.mem += d.bump * ramp * (0.85 + 0.15 * rng.next());
    r.cpu += d.cpu * (0.6 + 0.6 * rng.next());
    r.hold = Math.max(r.hold, d.hold);
  }
  return r;
}

/** Memory and CPU of the spikes alive at t (spikes[from..] with start <= t), each decayed by its age. */
function spikesAt(spikes: readonly Spike[], from: number, t: number, shape: readonly number[]): { mem: number; cpu: number } {
  let mem = 0;
  let cpu = 0;
  for (let i = from; i < spikes.length; i++) {
    const s = spikes[i];
    if (s === undefined || s.t > t) break;
    // Age in whole samples: a spike in (t − 1, t] is at age 0 in the sample at t.
    const age = s.t === t ? 0 : Math.ceil(t - s.t - 1e-9) - 1;
    const f = shape[Math.max(0, age)] ?? 0;
    mem += s.bytes * f;
    cpu += s.cpu * f;
  }
  return { mem, cpu };
}

/**
 * A step function sampled at t = 0 … end: at each t, the sum (or the latest value) of the events at or
 * before t + offset. Events must be sorted by time.
 */
function perSecond(events: readonly { at: number; value: number }[], end: number, offset: number, mode: 'sum' | 'latest'): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let i = 0;
  let acc: number | undefined;
  for (let t = 0; t <= end; t++) {
    for (; i < events.length && (events[i]?.at ?? Infinity) <= t + offset; i++) acc = mode === 'sum' ? (acc ?? 0) + (events[i]?.value ?? 0) : events[i]?.value;
    out.push(acc);
  }
  return out;
}

/**
 * Generates one sample per second, t = 0 … ceil(duration), for one session (t relative to its start).
 * `seed` and the session id fix every draw, so sessions are independent of each other and of order.
 */
export function synthesizeSession(activity: SessionActivity, params: ResourceModelParams, seed: number): TraceSample[] {
  const base = createRng((seed ^ hashString(activity.id)) >>> 0);
  const heavy = base.next() < params.heavySessionChance;
  const baseline = params.baselineBytes * Math.exp(params.baselineSigma * base.normal());
  const { calls, spikes } = drawCalls(activity, params, base.fork('calls'), heavy);
  const secRng = base.fork('seconds');
  const end = Math.ceil(activity.durationSeconds);
  // A finished call's retained memory counts from the first sample whose interval starts after it ended.
  const retained = perSecond(calls.map((d) => ({ at: d.call.end, value: d.retain })).sort((a, b) => a.at - b.at), end, -1, 'sum');
  const contextAt = perSecond([...activity.contextPoints].sort((a, b) => a.t - b.t).map((p) => ({ at: p.t, value: p.tokens })), end, 0, 'latest');
  const out: TraceSample[] = [];
  let spikeIdx = 0;
  for (let t = 0; t <= end; t++) {
    // Spikes older than the shape no longer matter.
    while (spikeIdx < spikes.length && (spikes[spikeIdx]?.t ?? Infinity) <= t - params.spikeShape.length) spikeIdx++;
    const context = contextAt[t];
    const idle = (t === 0 ? params.startupBytes : baseline + (retained[t] ?? 0)) + params.noiseBytes * secRng.normal();
    const idleCpu = Math.min(params.idleCpuMaxCores, lognormal(secRng, params.idleCpuMedianCores, params.idleCpuSigma));
    const c = callsAt(calls, t, params, secRng);
    const s = spikesAt(spikes, spikeIdx, t, params.spikeShape);
    let mem = idle + c.mem + s.mem + c.hold;
    let cpu = idleCpu + c.cpu + s.cpu;
    if (params.modelInPod && context !== undefined) {
      mem += params.contextBytesPerToken * context;
      if (c.inFlight === undefined) cpu += params.modelCpuCores * (0.8 + 0.2 * secRng.next());
    }
    out.push(sampleAt(activity, t, Math.max(0, Math.round(mem)), cpu, { context, ...c }));
  }
  return out;
}

/** Everything the sample at t reports beside memory and CPU. */
interface SampleExtras {
  readonly context: number | undefined;
  readonly inFlight: ToolCall | undefined;
  readonly starts: number;
  readonly retries: number;
  readonly errors: number;
}

function sampleAt(activity: SessionActivity, t: number, memBytes: number, cpu: number, x: SampleExtras): TraceSample {
  return {
    session: activity.id,
    t,
    memBytes,
    cpuCores: Math.round(Math.max(0, cpu) * 1000) / 1000,
    ...(x.context !== undefined ? { contextTokens: x.context } : {}),
    toolCalls: x.starts,
    toolRetries: x.retries,
    toolErrors: x.errors,
    ...(x.inFlight !== undefined ? { tool: x.inFlight.tool } : {}),
    agentClass: activity.agentClass,
  };
}
