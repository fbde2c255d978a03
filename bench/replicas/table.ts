import type { BenchResult, ReplicasPolicyRow } from '../score/result-types.js';
import { esc } from '../report/svg.js';
import { signed } from '../score/table.js';
import type { ReplicasGap, ReplicasTraceRun } from './run-replicas.js';

interface Column {
  readonly title: string;
  readonly cell: (r: ReplicasPolicyRow) => string;
  readonly left?: boolean;
}

const extra = (r: ReplicasPolicyRow, k: string): string => (typeof r[k] === 'number' ? String(r[k]) : '-');

const COLUMNS: readonly Column[] = [
  { title: 'policy', cell: (r) => r.policy, left: true },
  { title: 'wait p50', cell: (r) => `${r.queueWaitP50Seconds.toFixed(0)}s` },
  { title: 'wait p95', cell: (r) => `${r.queueWaitP95Seconds.toFixed(0)}s` },
  { title: 'replica-hours', cell: (r) => r.replicaHours.toFixed(2) },
  { title: 'cold starts', cell: (r) => String(r.coldStarts) },
  { title: 'peak replicas', cell: (r) => extra(r, 'peakReplicas') },
  { title: 'completed', cell: (r) => extra(r, 'sessionsCompleted') },
  { title: 'failed', cell: (r) => String(r.sessionsFailed) },
  { title: 'replay s', cell: (r) => r.replaySeconds.toFixed(2) },
];

function gapText(g: ReplicasGap): string {
  return `${g.policy} - ${g.against}: wait p95 ${signed(g.queueWaitP95Seconds, 0)} s, replica-hours ${signed(g.replicaHours, 2)}`;
}

/** One block of the replicas table: title, aligned columns, and predictive's gaps to keda and the oracle. */
export function formatReplicasTable(result: BenchResult): string {
  const rows = result.policies as readonly ReplicasPolicyRow[];
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[]): string =>
    row
      .map((v, i) => (COLUMNS[i]?.left === true ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const t = result.trace;
  const title = `${t.name} (replicas): ${t.sessions} sessions, ${(t.podSeconds / 3600).toFixed(1)} session-hours`;
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [title, line(cells[0] as string[]), rule, ...cells.slice(1).map(line)];
  for (const g of (result.gaps as readonly ReplicasGap[] | undefined) ?? []) out.push(gapText(g));
  return `${out.join('\n')}\n`;
}

const COLORS = { replicas: '#1f77b4', queued: '#d62728', minReplicas: '#2ca02c' } as const;

/** A small line chart of one replay's pool over time: replicas, queued sessions and minReplicaCount. */
function timelineSvg(outcome: ReplicasTraceRun['outcomes'][number]['outcome']): string {
  const pts = outcome.timeline;
  if (pts.length < 2) return '';
  const W = 640;
  const H = 160;
  const t0 = pts[0]?.tS ?? 0;
  const t1 = pts[pts.length - 1]?.tS ?? 1;
  const yMax = Math.max(1, ...pts.map((p) => Math.max(p.replicas, p.queued, p.minReplicas)));
  const x = (t: number): number => 40 + ((t - t0) / Math.max(1, t1 - t0)) * (W - 50);
  const y = (v: number): number => H - 20 - (v / yMax) * (H - 30);
  const line = (k: keyof typeof COLORS): string =>
    `<polyline fill="none" stroke="${COLORS[k]}" stroke-width="1.5" points="${pts.map((p) => `${x(p.tS).toFixed(1)},${y(p[k]).toFixed(1)}`).join(' ')}"/>`;
  const legend = (Object.keys(COLORS) as Array<keyof typeof COLORS>).map((k, i) => `<text x="${50 + i * 110}" y="12" fill="${COLORS[k]}" font-size="11">${k}</text>`).join('');
  return (
    `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">` +
    `<text x="2" y="${y(yMax) + 4}" font-size="10">${yMax}</text><text x="2" y="${H - 16}" font-size="10">0</text>` +
    `<text x="40" y="${H - 4}" font-size="10">${t0}s</text><text x="${W - 50}" y="${H - 4}" font-size="10">${t1}s</text>` +
    `${line('replicas')}${line('queued')}${line('minReplicas')}${legend}</svg>`
  );
}

/** A self-contained HTML report of a replicas bench: the table per trace and each policy's pool over time. */
export function renderReplicasReport(runs: readonly ReplicasTraceRun[], results: readonly BenchResult[]): string {
  const blocks = runs.map((run, i) => {
    const result = results[i] as BenchResult;
    const charts = run.outcomes.map((o) => `<figure><figcaption>${esc(o.policy)}</figcaption>${timelineSvg(o.outcome)}</figure>`).join('');
    return `<section><h2>${esc(run.header.name)}</h2><pre>${esc(formatReplicasTable(result))}</pre>${charts}</section>`;
  });
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>burstguard bench: replicas</title>' +
    '<style>body{font-family:system-ui,sans-serif;margin:2em}pre{font-size:13px}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}</style>' +
    `</head><body><h1>burstguard bench: replicas scenario</h1><p>Queue wait of arriving sessions and replica-hours, KEDA alone against burstguard's pre-warm and the oracle.</p>${blocks.join('')}</body></html>\n`
  );
}
