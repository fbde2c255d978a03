import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Series } from './response.js';
import type { Signal } from './queries.js';
import { cpuAt, cpuIntervalsByPod, memoryByPod, type RawCursor } from './raw-series.js';

/** The answers of one fetch, by signal. */
export type Answers = Readonly<Record<Signal, readonly Series[]>>;

export interface JoinOptions {
  readonly namespace: string;
  readonly podLabel: string;
  readonly toolLabel: string;
  /** The agent signals' step, ms: a tool counts as in flight at a memory sample within two steps. */
  readonly stepMs: number;
}

/** Why an answer cannot be joined, and which signal's query is at fault. */
export interface JoinError {
  readonly signal: Signal;
  readonly message: string;
}

interface Row {
  memBytes?: number;
  cpuCores?: number;
  contextTokens?: number;
  toolCalls?: number;
  toolErrors?: number;
  toolRetries?: number;
  /** Busiest tool so far and its in-flight count. */
  tool?: string;
  toolCount?: number;
}

type ScalarSignal = Exclude<Signal, 'toolCallsInFlight'>;
/** The agent signals, on the step grid in both joins. */
const SCALARS: readonly ScalarSignal[] = ['contextTokens', 'toolCalls', 'toolErrors', 'toolRetries'];
const FIELD: Readonly<Record<ScalarSignal, keyof Omit<Row, 'tool'>>> = {
  memory: 'memBytes',
  cpu: 'cpuCores',
  contextTokens: 'contextTokens',
  toolCalls: 'toolCalls',
  toolErrors: 'toolErrors',
  toolRetries: 'toolRetries',
};

/** Rows by pod name, then by timestamp. */
class Grid {
  readonly pods = new Map<string, Map<number, Row>>();

  row(pod: string, tMs: number): Row {
    let byT = this.pods.get(pod);
    if (byT === undefined) {
      byT = new Map<number, Row>();
      this.pods.set(pod, byT);
    }
    let row = byT.get(tMs);
    if (row === undefined) {
      row = {};
      byT.set(tMs, row);
    }
    return row;
  }
}

/**
 * Joins the answers into one AgentSample per pod and raw memory timestamp, newer than the newest one
 * already emitted for that pod (the cursor de-duplicates the look-back overlap). Memory drives: a memory
 * sample is never dropped for want of a CPU partner (CPU comes from the counter interval holding it,
 * see raw-series.ts). The agent signals, on the step grid, are joined as of the memory timestamp:
 * the context size and tool in flight at the newest grid point at or before it, and the counts summed
 * over the grid points since the pod's previous memory sample (AgentSample counts are per interval).
 * The error names an agent signal whose answer is unusable (a series without the pod label, or two
 * series for the same pod, which means the query does not aggregate `by (pod)`).
 */
export function joinAnswers(answers: Answers, o: JoinOptions, cursor: RawCursor): Result<AgentSample[], JoinError> {
  const grid = new Grid();
  for (const signal of SCALARS) {
    const e = foldScalar(grid, signal, answers[signal], o.podLabel);
    if (e !== undefined) return err(e);
  }
  const e = foldTools(grid, answers.toolCallsInFlight, o);
  if (e !== undefined) return err(e);
  const memory = memoryByPod(answers.memory, o.podLabel);
  const cpu = cpuIntervalsByPod(cursor, answers.cpu, o.podLabel);
  const out: AgentSample[] = [];
  for (const pod of [...memory.keys()].sort()) {
    const key = `${o.namespace}/${pod}`;
    const byT = memory.get(pod) ?? new Map<number, number>();
    const agent = agentRows(grid.pods.get(pod));
    let prevMs = cursor.lastEmittedMs.get(key);
    for (const tMs of [...byT.keys()].sort((a, b) => a - b)) {
      if (prevMs !== undefined && tMs <= prevMs) continue;
      const memBytes = byT.get(tMs) ?? 0;
      out.push({ pod: key, tMs, memBytes, cpuCores: cpuAt(cpu.get(pod), tMs), ...agentAt(agent, prevMs ?? tMs - o.stepMs, tMs, o.stepMs) });
      prevMs = tMs;
    }
    if (prevMs !== undefined) cursor.lastEmittedMs.set(key, prevMs);
  }
  return ok(out);
}

type AgentFields = Partial<Pick<AgentSample, 'contextTokens' | 'toolCalls' | 'toolRetries' | 'toolErrors' | 'tool'>>;

function agentRows(byT: Map<number, Row> | undefined): Array<readonly [number, Row]> {
  return byT === undefined ? [] : [...byT].sort(([a], [b]) => a - b);
}

/** The agent signals as of `tMs`: state at the newest grid point ≤ tMs, counts over (fromMs, tMs]. */
function agentAt(rows: ReadonlyArray<readonly [number, Row]>, fromMs: number, tMs: number, stepMs: number): AgentFields {
  const out: { -readonly [K in keyof AgentFields]: AgentFields[K] } = {};
  for (const [t, r] of rows) {
    if (t > tMs) break;
    if (r.contextTokens !== undefined) out.contextTokens = r.contextTokens;
    if (t > fromMs) {
      if (r.toolCalls !== undefined) out.toolCalls = (out.toolCalls ?? 0) + r.toolCalls;
      if (r.toolRetries !== undefined) out.toolRetries = (out.toolRetries ?? 0) + r.toolRetries;
      if (r.toolErrors !== undefined) out.toolErrors = (out.toolErrors ?? 0) + r.toolErrors;
    }
    if (r.tool !== undefined && t > tMs - 2 * stepMs) out.tool = r.tool;
    else delete out.tool;
  }
  return out;
}

function foldScalar(grid: Grid, signal: ScalarSignal, series: readonly Series[], podLabel: string): JoinError | undefined {
  const seen = new Set<string>();
  const field = FIELD[signal];
  for (const s of series) {
    const pod = s.labels[podLabel];
    if (pod === undefined || pod === '') {
      return { signal, message: `a series has no '${podLabel}' label (aggregate by (${podLabel}))` };
    }
    if (seen.has(pod)) return { signal, message: `two series for pod '${pod}' (aggregate by (${podLabel}))` };
    seen.add(pod);
    for (const [tMs, v] of s.points) grid.row(pod, tMs)[field] = v;
  }
  return undefined;
}

function foldTools(grid: Grid, series: readonly Series[], o: Pick<JoinOptions, 'podLabel' | 'toolLabel'>): JoinError | undefined {
  const seen = new Set<string>();
  for (const s of series) {
    const pod = s.labels[o.podLabel];
    const tool = s.labels[o.toolLabel];
    if (pod === undefined || pod === '' || tool === undefined) {
      return {
        signal: 'toolCallsInFlight',
        message: `a series lacks the '${o.podLabel}' or '${o.toolLabel}' label (aggregate by (${o.podLabel}, ${o.toolLabel}))`,
      };
    }
    const k = `${pod}\u0000${tool}`;
    if (seen.has(k)) return { signal: 'toolCallsInFlight', message: `two series for pod '${pod}' tool '${tool}'` };
    seen.add(k);
    for (const [tMs, n] of s.points) {
      if (n <= 0) continue;
      const row = grid.row(pod, tMs);
      // The busiest tool wins; ties go to the first name in sort order so the result is deterministic.
      if (row.toolCount === undefined || n > row.toolCount || (n === row.toolCount && tool < (row.tool ?? ''))) {
        row.tool = tool;
        row.toolCount = n;
      }
    }
  }
  return undefined;
}

/**
 * The grid join `burstguard trace record` uses: every signal (memory and CPU aggregated `by (pod)` too)
 * from range queries sharing start, end and step, so points join exactly by (pod, time). A (pod, time)
 * without both memory and CPU yields no sample. The controller reads memory and CPU raw instead
 * (joinAnswers): a recording reads a finished past, where no sample is still on its way.
 */
export function joinGridAnswers(answers: Answers, o: Omit<JoinOptions, 'stepMs'>): Result<AgentSample[], JoinError> {
  const grid = new Grid();
  for (const signal of ['memory', 'cpu', ...SCALARS] as const) {
    const e = foldScalar(grid, signal, answers[signal], o.podLabel);
    if (e !== undefined) return err(e);
  }
  const e = foldTools(grid, answers.toolCallsInFlight, o);
  if (e !== undefined) return err(e);
  return ok(emit(grid, o.namespace));
}

function emit(grid: Grid, namespace: string): AgentSample[] {
  const out: AgentSample[] = [];
  for (const pod of [...grid.pods.keys()].sort()) {
    const byT = grid.pods.get(pod);
    if (byT === undefined) continue;
    for (const tMs of [...byT.keys()].sort((a, b) => a - b)) {
      const r = byT.get(tMs);
      if (r?.memBytes === undefined || r.cpuCores === undefined) continue;
      out.push({
        pod: `${namespace}/${pod}`,
        tMs,
        memBytes: r.memBytes,
        cpuCores: r.cpuCores,
        ...(r.contextTokens !== undefined ? { contextTokens: r.contextTokens } : {}),
        ...(r.toolCalls !== undefined ? { toolCalls: r.toolCalls } : {}),
        ...(r.toolRetries !== undefined ? { toolRetries: r.toolRetries } : {}),
        ...(r.toolErrors !== undefined ? { toolErrors: r.toolErrors } : {}),
        ...(r.tool !== undefined ? { tool: r.tool } : {}),
      });
    }
  }
  return out;
}
