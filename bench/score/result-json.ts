import { RESULT_SCHEMA_VERSION, type BenchResult, type PriorsProvenance, type ResizePolicyRow, type ResultSettings } from './result-types.js';
import type { TraceRun } from '../replay/run-bench.js';

/**
 * How far a causal policy is from the oracle (policy minus oracle): the number to shrink. Extra field
 * of the result JSON (extras are allowed by the contract).
 */
export interface OracleGap {
  readonly policy: string;
  readonly nodeHours: number;
  readonly disruptions: number;
  readonly apiWritesPerPodHour: number;
  readonly memSlack: number;
  readonly cpuSlack: number;
  readonly oomKills: number;
  readonly memRequestedGiBHours: number;
}

/** Rounds away float noise so differences print (and compare) the same on every platform. */
function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The gap of `policy` to `oracle` in a run, when both were replayed. */
export function oracleGap(rows: readonly ResizePolicyRow[], policy = 'predictive'): OracleGap | undefined {
  const p = rows.find((r) => r.policy === policy);
  const o = rows.find((r) => r.policy === 'oracle');
  if (!p || !o) return undefined;
  return {
    policy,
    nodeHours: r6(p.nodeHours - o.nodeHours),
    disruptions: p.disruptions - o.disruptions,
    apiWritesPerPodHour: r6(p.apiWritesPerPodHour - o.apiWritesPerPodHour),
    memSlack: r6(p.memSlack - o.memSlack),
    cpuSlack: r6(p.cpuSlack - o.cpuSlack),
    oomKills: p.oomKills - o.oomKills,
    memRequestedGiBHours: r6(p.memRequestedGiBHours - o.memRequestedGiBHours),
  };
}

/** What a trace result carries besides its rows: how it was run, and where the priors came from. */
export interface ResultContext {
  readonly settings: ResultSettings;
  /** Class → where its prior was fitted; `{}` when the run used no fitted priors (or nobody said). */
  readonly priors?: PriorsProvenance;
}

/**
 * The result JSON of one trace (BENCH.md "Result JSON v2"): binding fields first, then extras that make
 * a result file self-describing (where the trace came from, the gap to the oracle). Everything here is
 * a function of the inputs, so one seed gives the same object apart from `replaySeconds`.
 */
export function toBenchResult(run: TraceRun, ctx: ResultContext): BenchResult {
  const rows = run.outcomes.map((o) => o.outcome.row);
  const gap = oracleGap(rows);
  const head = resultHead('resize', run, rows, { settings: ctx.settings, priors: ctx.priors ?? run.priors ?? {} });
  return { ...head, floorNodeHours: run.floorNodeHours ?? 0, ...(gap ? { gapToOracle: gap } : {}) };
}

/** What any scenario's replay of one trace needs to carry: the scenario, the trace, the rows, and how it was run. */
export interface ReplayedTrace<R> {
  readonly header: { readonly name: string; readonly source: string; readonly license: string };
  readonly scan: { readonly sessions: number; readonly samples: number };
  readonly outcomes: ReadonlyArray<{ readonly outcome: { readonly trace: { name: string; sessions: number; samples: number; podSeconds: number }; readonly row: R } }>;
}

/** The binding head of a result object (schema, scenario, trace, settings, priors, policies) with the extras every scenario has. */
export function resultHead<R extends BenchResult['policies'][number]>(scenario: BenchResult['scenario'], run: ReplayedTrace<R>, rows: readonly R[], ctx: ResultContext): BenchResult {
  const first = run.outcomes[0]?.outcome.trace;
  const trace = first ?? { name: run.header.name, sessions: run.scan.sessions, samples: run.scan.samples, podSeconds: 0 };
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    scenario,
    trace: { name: trace.name, sessions: trace.sessions, samples: trace.samples, podSeconds: trace.podSeconds },
    settings: ctx.settings,
    priors: ctx.priors ?? {},
    policies: rows,
    source: run.header.source,
    license: run.header.license,
  };
}

/** Always an array, one element per trace (BENCH.md v2), two-space indented, newline-terminated. */
export function resultJsonText(results: readonly BenchResult[]): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
