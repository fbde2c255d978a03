import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Series } from './response.js';
import type { Signal } from './queries.js';
import { addCpuSeries, addMemorySeries, commitCounters, cpuAt, type CounterUpdates, type Interval, type RawCursor } from './raw-series.js';

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

/** The agent signals at one grid point of one pod. */
export interface Row {
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

/** A pod's grid rows in time order. */
export type Rows = ReadonlyArray<readonly [number, Row]>;

/**
 * Rows by pod name, then by timestamp. Rows before `freshFromMs` come from an earlier fetch (GridCarry)
 * and are final: points of the answers before it are not folded, so a carried row is never changed.
 */
class Grid {
  readonly pods = new Map<string, Map<number, Row>>();

  constructor(
    readonly freshFromMs = -Infinity,
    carried?: ReadonlyMap<string, Rows>,
  ) {
    for (const [pod, rows] of carried ?? []) this.pods.set(pod, new Map(rows));
  }

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
 * Joins the answers of one fetch into one AgentSample per pod and raw memory timestamp, newer than the
 * newest one already emitted for that pod (the cursor de-duplicates the look-back overlap). Memory
 * drives: a memory sample is never dropped for want of a CPU partner (CPU comes from the counter
 * interval holding it, see raw-series.ts). The agent signals, on the step grid, are joined as of the
 * memory timestamp: the context size and tool in flight at the newest grid point at or before it, and
 * the counts summed over the grid points since the pod's previous memory sample (AgentSample counts
 * are per interval).
 *
 * Answers are folded one at a time, in any order, as they arrive (`add`), so a fetch never holds more
 * than one decoded answer: at 10,000 pods seven decoded answers held together outlived V8's young
 * generation and were collected by full GCs, a third of the tick (docs/bench.md). Nothing reaches the
 * cursor before `finish`: a fetch that fails part-way is dropped whole and read again next time.
 */
export class AnswerFold {
  private readonly grid: Grid;
  private readonly memory = new Map<string, Map<number, number>>();
  private readonly cpu = new Map<string, Interval[][]>();
  private readonly counters: CounterUpdates = new Map();
  /** Each pod's rows in time order, as `finish` read them. */
  private readonly sorted = new Map<string, Rows>();
  /** Per agent signal, the pods (and tools) folded so far: two series for one pod is an error. */
  private readonly seen = new Map<Signal, Set<string>>();
  /** The first unusable answer of each agent signal. */
  private readonly errors = new Map<Signal, JoinError>();

  /** `carry`: the rows of grid points before `fromMs` kept from earlier fetches (grid-carry.ts). */
  constructor(
    private readonly o: JoinOptions,
    private readonly cursor: RawCursor,
    carry?: { readonly fromMs: number; readonly rows: ReadonlyMap<string, Rows> },
  ) {
    this.grid = new Grid(carry?.fromMs, carry?.rows);
  }

  /** Folds one series of a signal's answer, as it is decoded. */
  addSeries(signal: Signal, s: Series): void {
    if (signal === 'memory') return addMemorySeries(this.memory, s, this.o.podLabel);
    if (signal === 'cpu') return addCpuSeries(this.cursor, this.counters, this.cpu, s, this.o.podLabel);
    if (this.errors.has(signal)) return;
    let seen = this.seen.get(signal);
    if (seen === undefined) this.seen.set(signal, (seen = new Set()));
    const e = signal === 'toolCallsInFlight' ? foldTools(this.grid, s, this.o, seen) : foldScalar(this.grid, signal, s, this.o.podLabel, seen);
    if (e !== undefined) this.errors.set(signal, e);
  }

  /** Folds one signal's whole answer (each signal once per fetch). */
  add(signal: Signal, series: readonly Series[]): void {
    for (const s of series) this.addSeries(signal, s);
  }

  /**
   * The samples, and the cursor moved past them. The error names an agent signal whose answer is
   * unusable (a series without the pod label, or two series for the same pod, which means the query
   * does not aggregate `by (pod)`): the first in a fixed order, whatever order the answers came in.
   */
  finish(): Result<AgentSample[], JoinError> {
    for (const signal of [...SCALARS, 'toolCallsInFlight'] as const) {
      const e = this.errors.get(signal);
      if (e !== undefined) return err(e);
    }
    const { o, cursor } = this;
    const out: AgentSample[] = [];
    for (const pod of [...this.memory.keys()].sort()) {
      const key = `${o.namespace}/${pod}`;
      const byT = this.memory.get(pod) ?? new Map<number, number>();
      const agent = agentRows(this.grid.pods.get(pod));
      this.sorted.set(pod, agent);
      let prevMs = cursor.lastEmittedMs.get(key);
      for (const tMs of [...byT.keys()].sort((a, b) => a - b)) {
        if (prevMs !== undefined && tMs <= prevMs) continue;
        const memBytes = byT.get(tMs) ?? 0;
        out.push({ pod: key, tMs, memBytes, cpuCores: cpuAt(this.cpu.get(pod), tMs), ...agentAt(agent, prevMs ?? tMs - o.stepMs, tMs, o.stepMs) });
        prevMs = tMs;
      }
      if (prevMs !== undefined) cursor.lastEmittedMs.set(key, prevMs);
    }
    commitCounters(cursor, this.counters);
    return ok(out);
  }

  /** Every pod's grid rows in time order, carried and fresh (after `finish`, for the next fetch's carry). */
  rowsByPod(): Map<string, Rows> {
    const out = new Map<string, Rows>();
    for (const pod of this.grid.pods.keys()) out.set(pod, this.sorted.get(pod) ?? agentRows(this.grid.pods.get(pod)));
    return out;
  }
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

/** Folds one series of an agent signal; `seen` holds the pods of the signal's series folded so far. */
function foldScalar(grid: Grid, signal: ScalarSignal, s: Series, podLabel: string, seen: Set<string>): JoinError | undefined {
  const pod = s.labels[podLabel];
  if (pod === undefined || pod === '') {
    return { signal, message: `a series has no '${podLabel}' label (aggregate by (${podLabel}))` };
  }
  if (seen.has(pod)) return { signal, message: `two series for pod '${pod}' (aggregate by (${podLabel}))` };
  seen.add(pod);
  const field = FIELD[signal];
  for (const [tMs, v] of s.points) if (tMs >= grid.freshFromMs) grid.row(pod, tMs)[field] = v;
  return undefined;
}

/** Folds one series of tools in flight; `seen` holds the (pod, tool) pairs folded so far. */
function foldTools(grid: Grid, s: Series, o: Pick<JoinOptions, 'podLabel' | 'toolLabel'>, seen: Set<string>): JoinError | undefined {
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
    if (n <= 0 || tMs < grid.freshFromMs) continue;
    const row = grid.row(pod, tMs);
    // The busiest tool wins; ties go to the first name in sort order so the result is deterministic.
    if (row.toolCount === undefined || n > row.toolCount || (n === row.toolCount && tool < (row.tool ?? ''))) {
      row.tool = tool;
      row.toolCount = n;
    }
  }
  return undefined;
}

/** Folds a whole answer of an agent signal: the first unusable series is the error. */
function foldAll(grid: Grid, signal: Signal, series: readonly Series[], o: Pick<JoinOptions, 'podLabel' | 'toolLabel'>): JoinError | undefined {
  const seen = new Set<string>();
  for (const s of series) {
    const e = signal === 'toolCallsInFlight' ? foldTools(grid, s, o, seen) : foldScalar(grid, signal, s, o.podLabel, seen);
    if (e !== undefined) return e;
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
  for (const signal of ['memory', 'cpu', ...SCALARS, 'toolCallsInFlight'] as const) {
    const e = foldAll(grid, signal, answers[signal], o);
    if (e !== undefined) return err(e);
  }
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
