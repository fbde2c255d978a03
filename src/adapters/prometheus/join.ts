import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Series } from './response.js';
import type { Signal } from './queries.js';

/** The answers of one fetch, by signal. */
export type Answers = Readonly<Record<Signal, readonly Series[]>>;

export interface JoinOptions {
  readonly namespace: string;
  readonly podLabel: string;
  readonly toolLabel: string;
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
const SCALARS: readonly ScalarSignal[] = ['memory', 'cpu', 'contextTokens', 'toolCalls', 'toolErrors', 'toolRetries'];
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
 * Joins the per-signal answers into one AgentSample per pod and timestamp. All queries of a fetch share
 * start, end and step, so their timestamps line up exactly. A (pod, time) without both memory and CPU
 * yields no sample: AgentSample needs both, and a made-up zero would invite a scale-down.
 * The error names the signal whose answer is unusable (a series without the pod label, or two series
 * for the same pod, which means the query does not aggregate `by (pod)`).
 */
export function joinAnswers(answers: Answers, o: JoinOptions): Result<AgentSample[], JoinError> {
  const grid = new Grid();
  for (const signal of SCALARS) {
    const e = foldScalar(grid, signal, answers[signal], o.podLabel);
    if (e !== undefined) return err(e);
  }
  const e = foldTools(grid, answers.toolCallsInFlight, o);
  if (e !== undefined) return err(e);
  return ok(emit(grid, o.namespace));
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

function foldTools(grid: Grid, series: readonly Series[], o: JoinOptions): JoinError | undefined {
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
