/**
 * Fitting an agent-class prior from trace sessions: the same measurements docs/models.md describes for
 * the hand-made priors (baseline, 45 s peak excess by tool state, start-up peak, CPU peaks, tool-call
 * durations, retry runs, context steps, bytes per token), as one pure function of the sessions it is
 * given. The bench fits its priors with it leave-one-trace-out and per cross-validation fold, so no
 * replay scores a policy with a prior fitted on the sessions it replays; `tune` can split sessions the
 * same way. Fields the data cannot speak to (no context tokens, no tool errors) keep the template's
 * values, and the provenance says so.
 */
import type { TraceSample } from '../../src/trace/types.js';
import type { QuantileKnots } from '../headroom.js';
import type { AgentClassPrior } from '../priors/index.js';
import { foldRegression, newRegressionAcc, regressionSlope } from '../context-growth.js';
import { toolCategory } from '../tool-loop.js';
import { knotsOf, peakAhead, quantileOf } from './window-stats.js';

/** One session to fit from: its samples in increasing `t`. */
export interface FitSession {
  readonly id: string;
  readonly agentClass: string;
  readonly samples: readonly TraceSample[];
}

export interface FitOptions {
  /** The horizon the excess knots are measured over (the predictive policy's horizonS). */
  readonly horizonS: number;
  /** Supplies what the data cannot (context cap, back-off, weights) and the prior's shape. */
  readonly template: AgentClassPrior;
  /** Where the sessions came from, for the provenance (e.g. "bundled traces swe-agent, tau2-bench"). */
  readonly fittedOn: string;
  /** A state (tool category) gets its own knots only with at least this many independent windows. */
  readonly minStateWindows?: number;
}

const MB = 1e6;
const STARTUP_S = 60;

/**
 * The knot set of an idle window's excess when every tool call is announced (pre-tool hints): only the
 * memory a hint cannot cover counts, i.e. idle samples and each call's first HINT_LANDING_S seconds.
 */
export const HINTED_IDLE = 'idle~hinted';
/**
 * Seconds from a tool call's start until its hinted raise is in force: hint delivery (250 ms, the
 * bench's default) plus the resize latency measured on a real node (0.16 s p90 to the cgroup, the
 * simulator's default), rounded up to the simulator's 1 s step. A slower path (a longer hint latency, a
 * slower kubelet) needs a refit with a larger value, or hints not counted on (`hintLossRate` 1).
 */
export const HINT_LANDING_S = 1;
const COMPACTION_DROP = 0.2;

/** What one pass over the sessions collects. */
interface Acc {
  readonly excess: Map<string, number[]>;
  readonly cpuPeak: Map<string, number[]>;
  readonly seconds: Map<string, number>;
  readonly baselines: number[];
  readonly cpuBaselines: number[];
  readonly startup: number[];
  readonly sessionS: number[];
  readonly runs: Map<string, number[]>;
  readonly retry: { errored: number; continued: number };
  readonly steps: number[];
  readonly stepGaps: number[];
  readonly keeps: number[];
  readonly regression: ReturnType<typeof newRegressionAcc>;
}

/**
 * Fits one class's prior from its sessions. Sessions with fewer than two samples carry no window and
 * are skipped; with no usable session at all the template is returned under the new class name.
 */
export function fitClassPrior(agentClass: string, sessions: readonly FitSession[], o: FitOptions): AgentClassPrior {
  const acc: Acc = {
    excess: new Map(),
    cpuPeak: new Map(),
    seconds: new Map(),
    baselines: [],
    cpuBaselines: [],
    startup: [],
    sessionS: [],
    runs: new Map(),
    retry: { errored: 0, continued: 0 },
    steps: [],
    stepGaps: [],
    keeps: [],
    regression: newRegressionAcc(),
  };
  let used = 0;
  for (const s of sessions) if (foldSession(acc, s.samples, o.horizonS)) used++;
  const t = o.template;
  if (used === 0) return { ...t, agentClass };
  const windows = (state: string): number => (acc.seconds.get(state) ?? 0) / o.horizonS;
  const minW = o.minStateWindows ?? 10;
  const byState = (m: Map<string, number[]>, unit: number): Record<string, QuantileKnots> => {
    const out: Record<string, QuantileKnots> = {};
    for (const [state, xs] of m) if (state === '*' || state === 'idle' || windows(state) >= minW) out[state] = knotsOf(xs, windows(state), unit);
    out['idle'] ??= out['*'] as QuantileKnots;
    return out;
  };
  const ctx = contextFit(acc, t);
  const slope = regressionSlope(acc.regression);
  // The slope is shrunk by its own evidence (t²/(t² + 4)), as the policy shrinks a pod's fit.
  const shrunk = slope.slope * ((slope.t * slope.t) / (slope.t * slope.t + 4));
  const where = `${o.fittedOn}: ${used} sessions of class ${agentClass}`;
  return {
    agentClass,
    description: `${agentClass}: fitted by models/fit/fit-prior.ts on ${where}.`,
    source: where,
    horizonS: o.horizonS,
    weight: t.weight,
    memory: {
      baselineBytes: round(quantileOf(acc.baselines, 0.5), MB),
      startupPeakBytes: knotsOf(acc.startup, acc.startup.length, MB),
      excessBytes: byState(acc.excess, MB),
      bytesPerToken: Math.max(0, Math.round(shrunk)),
      bytesPerTokenWeight: acc.regression.n > 0 ? acc.regression.n : t.memory.bytesPerTokenWeight,
    },
    cpu: { baselineCores: round(quantileOf(acc.cpuBaselines, 0.5), 0.001), peakCores: byState(acc.cpuPeak, 0.01) },
    toolLoop: toolLoopFit(acc, t),
    context: ctx.prior,
    sessionS: knotsOf(acc.sessionS, acc.sessionS.length, 1),
    provenance: {
      fittedOn: where,
      'memory.baselineBytes': "median over sessions of each session's 20th-percentile memory",
      'memory.excessBytes':
        `peak memory over the next ${o.horizonS} s minus the session baseline, by the tool category in flight at the window start ('*' = every window); n = sampled seconds / ${o.horizonS}; ` +
        `'${HINTED_IDLE}': idle windows counting only idle samples and each tool call's first ${HINT_LANDING_S} s (what a pre-tool hint cannot cover)`,
      'memory.startupPeakBytes': `peak memory over each session's first ${STARTUP_S} s`,
      sessionS: "each session's first to last sample, seconds",
      'memory.bytesPerToken': `first-difference regression over idle sample pairs: slope ${Math.round(slope.slope)} B/token, t ${slope.t.toFixed(1)}, n ${acc.regression.n}, shrunk by t²/(t²+4), never negative`,
      'cpu.peakCores': 'peak CPU cores over the same windows, grouped like memory',
      toolLoop: acc.retry.errored > 0 ? 'mean run length of each tool category; P(next call interval errors | this one errored)' : 'run lengths fitted; no tool errors in the data, retry figures from the template',
      context: ctx.note,
      weight: `from the template (${t.agentClass})`,
    },
  };
}

/** Fits every class present in the sessions, plus `default` pooled over all of them. */
export function fitPriors(sessions: readonly FitSession[], o: FitOptions): Map<string, AgentClassPrior> {
  const byClass = new Map<string, FitSession[]>();
  for (const s of sessions) {
    const list = byClass.get(s.agentClass) ?? [];
    list.push(s);
    byClass.set(s.agentClass, list);
  }
  const out = new Map<string, AgentClassPrior>();
  for (const [cls, list] of [...byClass].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out.set(cls, fitClassPrior(cls, list, o));
  // Pooled over classes, session lengths say nothing about a class without a prior of its own (a class of
  // hour-long sessions would be sized as if its sessions were the others' minutes: short-sessions.ts).
  const pooled = { ...fitClassPrior('default', sessions, o) };
  delete pooled.sessionS;
  out.set('default', { ...pooled, provenance: { ...pooled.provenance, sessionS: 'not fitted: pooled over classes' } });
  return out;
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
}

/** Folds one session into the accumulators; false when it has too few samples to say anything. */
function foldSession(acc: Acc, samples: readonly TraceSample[], horizonS: number): boolean {
  if (samples.length < 2) return false;
  const ts = samples.map((s) => s.t);
  const mem = samples.map((s) => s.memBytes);
  const cpu = samples.map((s) => s.cpuCores);
  const base = quantileOf(mem, 0.2);
  acc.baselines.push(base);
  acc.cpuBaselines.push(quantileOf(cpu, 0.2));
  const memAhead = peakAhead(ts, mem, horizonS);
  const cpuAhead = peakAhead(ts, cpu, horizonS);
  const t0 = ts[0] ?? 0;
  acc.sessionS.push((ts[ts.length - 1] ?? t0) - t0);
  let startup = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as TraceSample;
    if (s.t - t0 <= STARTUP_S) startup = Math.max(startup, s.memBytes);
    const dt = i + 1 < samples.length ? (ts[i + 1] ?? s.t) - s.t : (ts[i] ?? 0) - (ts[i - 1] ?? 0);
    const state = toolCategory(s.tool);
    const excess = Math.max(0, (memAhead[i] ?? 0) - base);
    for (const k of state === '*' ? ['*'] : ['*', state]) {
      push(acc.excess, k, excess);
      push(acc.cpuPeak, k, cpuAhead[i] ?? 0);
      acc.seconds.set(k, (acc.seconds.get(k) ?? 0) + dt);
    }
  }
  acc.startup.push(startup);
  foldHintedIdle(acc, samples, ts, base, horizonS);
  foldToolRuns(acc, samples);
  foldContextSteps(acc, samples);
  return true;
}

/** The `idle~hinted` windows: every idle sample's excess over the next horizon, unhintable memory only. */
function foldHintedIdle(acc: Acc, samples: readonly TraceSample[], ts: readonly number[], base: number, horizonS: number): void {
  const ahead = peakAhead(ts, unhintable(samples), horizonS);
  for (let i = 0; i < samples.length; i++) {
    if (toolCategory(samples[i]?.tool) !== 'idle') continue;
    const t = ts[i] ?? 0;
    const dt = i + 1 < samples.length ? (ts[i + 1] ?? t) - t : t - (ts[i - 1] ?? t);
    push(acc.excess, HINTED_IDLE, Math.max(0, (ahead[i] ?? 0) - base));
    acc.seconds.set(HINTED_IDLE, (acc.seconds.get(HINTED_IDLE) ?? 0) + dt);
  }
}

/**
 * The memory series as a hinted pod's idle limit must hold it: a tool sample counts only while its call's
 * hinted raise is not yet in force (the sample's interval began less than HINT_LANDING_S after the call's
 * own start, which is where the previous sample ended); later tool samples count 0. A call starts where
 * the \`tool\` field changes to a non-empty value, as the bench's simulated harness announces it.
 */
function unhintable(samples: readonly TraceSample[]): number[] {
  const out = new Array<number>(samples.length);
  let callStartT = Number.NaN;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as TraceSample;
    const prevT = i > 0 ? (samples[i - 1] as TraceSample).t : s.t;
    const tool = s.tool;
    if (tool === undefined || tool === '') {
      callStartT = Number.NaN;
      out[i] = s.memBytes;
      continue;
    }
    if (i === 0 || samples[i - 1]?.tool !== tool) callStartT = prevT;
    out[i] = prevT - callStartT < HINT_LANDING_S ? s.memBytes : 0;
  }
  return out;
}

/** Tool-call durations as runs of one category, and retry runs as consecutive errored call intervals. */
function foldToolRuns(acc: Acc, samples: readonly TraceSample[]): void {
  let runState = 'idle';
  let runStart = 0;
  for (const s of samples) {
    const state = toolCategory(s.tool);
    if (state === runState) continue;
    if (runState !== 'idle') push(acc.runs, runState, s.t - runStart);
    runState = state;
    runStart = s.t;
  }
  foldRetryRuns(acc, samples);
}

/** P(the next interval with calls errors | this one errored), over intervals whose errors are known. */
function foldRetryRuns(acc: Acc, samples: readonly TraceSample[]): void {
  let lastErrored: boolean | undefined;
  for (const s of samples) {
    if ((s.toolCalls ?? 0) + (s.toolRetries ?? 0) === 0 || s.toolErrors === undefined) continue;
    const errored = s.toolErrors + (s.toolRetries ?? 0) > 0;
    if (lastErrored === true) {
      acc.retry.errored++;
      if (errored) acc.retry.continued++;
    }
    lastErrored = errored;
  }
}

/** Context steps (changes of contextTokens), compactions, and idle (Δtokens, Δmemory) pairs. */
function foldContextSteps(acc: Acc, samples: readonly TraceSample[]): void {
  let prev: TraceSample | undefined;
  let lastStepT: number | undefined;
  for (const s of samples) {
    const tok = s.contextTokens;
    if (tok === undefined) continue;
    if (prev?.contextTokens !== undefined && tok !== prev.contextTokens) {
      const before = prev.contextTokens;
      if (tok < before * (1 - COMPACTION_DROP)) acc.keeps.push(before > 0 ? tok / before : 0);
      else acc.steps.push(tok - before);
      if (lastStepT !== undefined) acc.stepGaps.push(s.t - lastStepT);
      lastStepT = s.t;
      if (toolCategory(s.tool) === 'idle' && toolCategory(prev.tool) === 'idle') foldRegression(acc.regression, tok - before, s.memBytes - prev.memBytes);
    }
    prev = s;
  }
}

function toolLoopFit(acc: Acc, t: AgentClassPrior): AgentClassPrior['toolLoop'] {
  const meanDurationS: Record<string, number> = {};
  const all: number[] = [];
  for (const [state, xs] of [...acc.runs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    all.push(...xs);
    if (xs.length >= 5) meanDurationS[state] = round(Math.max(0.1, mean(xs)), 0.1);
  }
  meanDurationS['*'] = all.length > 0 ? round(Math.max(0.1, mean(all)), 0.1) : (t.toolLoop.meanDurationS['*'] ?? 1);
  const pRetry = acc.retry.errored >= 5 ? round(acc.retry.continued / acc.retry.errored, 0.001) : t.toolLoop.pRetryContinues;
  return { ...t.toolLoop, meanDurationS, pRetryContinues: pRetry };
}

function contextFit(acc: Acc, t: AgentClassPrior): { prior: AgentClassPrior['context']; note: string } {
  if (acc.steps.length < 5) return { prior: t.context, note: `no context steps in the data: the template's (${t.agentClass})` };
  const m = mean(acc.steps);
  const sd = Math.sqrt(mean(acc.steps.map((x) => (x - m) * (x - m))));
  return {
    prior: {
      ...t.context,
      tokensPerStepMean: Math.round(m),
      tokensPerStepSd: Math.round(sd),
      stepIntervalS: acc.stepGaps.length > 0 ? round(Math.max(0.1, mean(acc.stepGaps)), 0.1) : t.context.stepIntervalS,
      compactionKeepFraction: acc.keeps.length > 0 ? round(Math.min(1, Math.max(0, mean(acc.keeps))), 0.01) : t.context.compactionKeepFraction,
    },
    note: `${acc.steps.length} context steps${acc.keeps.length > 0 ? ` and ${acc.keeps.length} compactions` : ''}; cap from the template`,
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function round(v: number, unit: number): number {
  return Math.round(Math.round(v / unit) * unit * 1e6) / 1e6;
}
