import type { BenchResult, ResizePolicyRow } from './result-types.js';
import type { OracleGap } from './result-json.js';
import { hintLines } from './hint-lines.js';

interface Column {
  readonly title: string;
  /** The cell of a row; `floor` is the trace's floorNodeHours. */
  readonly cell: (r: ResizePolicyRow, floor: number) => string;
  readonly left?: boolean;
  /** Diagnostics only: the lowest priority is dropped first when the table is too wide. */
  readonly priority?: number;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function num(x: number, digits: number): string {
  return x.toFixed(digits);
}

/** Seconds as the largest sensible unit, so lost work reads at a glance. */
export function humanSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(0)}s`;
  if (s < 7200) return `${(s / 60).toFixed(1)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

/**
 * Headline columns first (BENCH.md): what capacity costs, what it breaks, and what it writes. The rest
 * are diagnostics, dropped from the right when the terminal is too narrow (`priority`: higher stays longer).
 */
const COLUMNS: readonly Column[] = [
  { title: 'policy', cell: (r) => r.policy, left: true },
  { title: 'node-h', cell: (r) => num(r.nodeHours, 2) },
  { title: '×floor', cell: (r, f) => (f > 0 ? `${num(r.nodeHours / f, 2)}×` : '-') },
  { title: 'disrupt', cell: (r) => String(r.disruptions) },
  { title: 'oom/evict/node', cell: (r) => `${r.oomKills}/${r.evictions}/${r.nodeOomKills}`, priority: 11 },
  { title: '/100 pod-h', cell: (r) => num(r.disruptionsPer100PodHours, 1), priority: 10 },
  { title: 'lost work', cell: (r) => humanSeconds(r.lostWorkSeconds) },
  { title: 'writes/pod-h', cell: (r) => num(r.apiWritesPerPodHour, 1) },
  { title: 'peak', cell: (r) => String(r.peakNodes), priority: 9 },
  { title: 'failed', cell: (r) => String(r.sessionsFailed), priority: 8 },
  { title: 'unreserved GiB·h', cell: (r) => num(r.unreservedGiBHours, 2), priority: 7 },
  { title: 'over req', cell: (r) => pct(r.overRequestShare), priority: 6 },
  { title: 'mem slack', cell: (r) => pct(r.memSlack), priority: 5 },
  { title: 'cpu slack', cell: (r) => pct(r.cpuSlack), priority: 3 },
  { title: 'resizes', cell: (r) => String(r.resizes), priority: 4 },
  { title: 'deferred', cell: (r) => String(r.resizesDeferred), priority: 2 },
  { title: 'throttled c·s', cell: (r) => num(r.cpuThrottledCoreSeconds, 0), priority: 1 },
  { title: 'replay s', cell: (r) => num(r.replaySeconds, 2), priority: 0 },
];

/** Width of the table's terminal: COLUMNS when it is a number, else 120. */
export function tableWidth(columnsEnv: string | undefined): number {
  const n = Number(columnsEnv);
  return Number.isInteger(n) && n >= 40 ? n : 120;
}

/** `+1.5`, `-0.3`, and `0.0` for what rounds to zero (never `-0.0`). */
export function signed(x: number, digits: number): string {
  const text = x.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return x > 0 ? `+${text}` : text;
}

/** The one line under a block that says how far predictive is from the floor. */
export function gapLine(gap: OracleGap | undefined): string | undefined {
  if (!gap) return undefined;
  return (
    `gap ${gap.policy} - oracle: node-hours ${signed(gap.nodeHours, 2)}, disruptions ${signed(gap.disruptions, 0)}, ` +
    `writes/pod-h ${signed(gap.apiWritesPerPodHour, 1)}, mem slack ${signed(gap.memSlack * 100, 1)} pts, mem requested ${signed(gap.memRequestedGiBHours, 2)} GiB·h`
  );
}

/**
 * The one line that names the winner: the causal policy with the fewest node-hours among those with
 * zero disruptions, or else the one with the fewest disruptions. The oracle knows the future, so it is
 * a reference, never the winner.
 */
export function winnerLine(rows: readonly ResizePolicyRow[], floor: number): string | undefined {
  const causal = rows.filter((r) => r.policy !== 'oracle');
  if (causal.length === 0) return undefined;
  const x = (r: ResizePolicyRow): string => (floor > 0 ? ` (${num(r.nodeHours / floor, 2)}× floor)` : '');
  const clean = causal.filter((r) => r.disruptions === 0).sort((a, b) => a.nodeHours - b.nodeHours);
  const best = clean[0];
  if (best !== undefined) return `winner at zero disruptions: ${best.policy}, ${num(best.nodeHours, 2)} node-hours${x(best)}`;
  const fewest = [...causal].sort((a, b) => a.disruptions - b.disruptions || a.nodeHours - b.nodeHours)[0] as ResizePolicyRow;
  return `no policy without disruptions; fewest: ${fewest.policy}, ${fewest.disruptions} disruptions, ${num(fewest.nodeHours, 2)} node-hours${x(fewest)}`;
}

/** The columns that fit `width`: diagnostics dropped lowest priority first. */
function fitColumns(rows: readonly ResizePolicyRow[], floor: number, width: number): Column[] {
  let cols = [...COLUMNS];
  const widthOf = (cs: readonly Column[]): number => cs.reduce((sum, c) => sum + Math.max(c.title.length, ...rows.map((r) => c.cell(r, floor).length)) + 2, -2);
  while (widthOf(cols) > width) {
    const droppable = cols.filter((c) => c.priority !== undefined).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))[0];
    if (droppable === undefined) break;
    cols = cols.filter((c) => c !== droppable);
  }
  return cols;
}

/**
 * One block of the side-by-side table: a title line with the floor, aligned columns that fit `width`
 * (default 120: honour COLUMNS), the winner line, and the gap to the oracle.
 */
export function formatResultTable(result: BenchResult, width = 120): string {
  const rows = result.policies as readonly ResizePolicyRow[];
  const floor = result.floorNodeHours ?? 0;
  const cols = fitColumns(rows, floor, width);
  const cells = [cols.map((c) => c.title), ...rows.map((r) => cols.map((c) => c.cell(r, floor)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((v, i) => (cols[i]!.left === true ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const t = result.trace;
  const title = `${t.name}: ${t.sessions} sessions, ${t.samples} samples, ${(t.podSeconds / 3600).toFixed(1)} pod-hours, floor ${num(floor, 2)} node-hours`;
  const rule = '-'.repeat(Math.min(width, widths.reduce((a, b) => a + b + 2, -2)));
  const out = [title, line(cells[0]!), rule, ...cells.slice(1).map(line)];
  const winner = winnerLine(rows, floor);
  if (winner !== undefined) out.push(winner);
  const gap = gapLine(result.gapToOracle as OracleGap | undefined);
  if (gap !== undefined) out.push(gap);
  out.push(...hintLines(result));
  return `${out.join('\n')}\n`;
}
