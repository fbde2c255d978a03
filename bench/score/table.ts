import type { BenchResult, ResizePolicyRow } from './result-types.js';
import type { OracleGap } from './result-json.js';

interface Column {
  readonly title: string;
  readonly cell: (r: ResizePolicyRow) => string;
  readonly left?: boolean;
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

const COLUMNS: readonly Column[] = [
  { title: 'policy', cell: (r) => r.policy, left: true },
  { title: 'OOM kills', cell: (r) => String(r.oomKills) },
  { title: 'evictions', cell: (r) => String(r.evictions) },
  { title: 'failed', cell: (r) => String(r.sessionsFailed) },
  { title: 'lost work', cell: (r) => humanSeconds(r.lostWorkSeconds) },
  { title: 'mem slack', cell: (r) => pct(r.memSlack) },
  { title: 'cpu slack', cell: (r) => pct(r.cpuSlack) },
  { title: 'throttled', cell: (r) => `${num(r.cpuThrottledCoreSeconds, 0)} c·s` },
  { title: 'mem GiB·h req/used', cell: (r) => `${num(r.memRequestedGiBHours, 2)}/${num(r.memUsedGiBHours, 2)}` },
  { title: 'resizes', cell: (r) => String(r.resizes) },
  { title: 'deferred', cell: (r) => String(r.resizesDeferred) },
  { title: 'infeasible', cell: (r) => String(r.resizesInfeasible) },
  { title: 'peak nodes', cell: (r) => String(r.peakNodes) },
  { title: 'node-hours', cell: (r) => num(r.nodeHours, 2) },
  { title: 'replay s', cell: (r) => num(r.replaySeconds, 2) },
];

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
    `gap ${gap.policy} - oracle: mem slack ${signed(gap.memSlack * 100, 1)} pts, cpu slack ${signed(gap.cpuSlack * 100, 1)} pts, ` +
    `OOM kills ${signed(gap.oomKills, 0)}, mem requested ${signed(gap.memRequestedGiBHours, 2)} GiB·h, node-hours ${signed(gap.nodeHours, 2)}`
  );
}

/** One block of the side-by-side table: a title line, aligned columns, and the gap to the oracle. */
export function formatResultTable(result: BenchResult): string {
  const rows = result.policies as readonly ResizePolicyRow[];
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((v, i) => (COLUMNS[i]!.left === true ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const t = result.trace;
  const title = `${t.name}: ${t.sessions} sessions, ${t.samples} samples, ${(t.podSeconds / 3600).toFixed(1)} pod-hours`;
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [title, line(cells[0]!), rule, ...cells.slice(1).map(line)];
  const gap = gapLine(result.gapToOracle as OracleGap | undefined);
  if (gap !== undefined) out.push(gap);
  return `${out.join('\n')}\n`;
}
