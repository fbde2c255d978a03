import type { TimelinePoint } from '../replay/replay-types.js';
import type { ResizePolicyRow } from '../score/result-types.js';
import { axes, esc, f1, innerX, innerY, linear, linePath, niceDomain, niceMax, stepPath, svgOpen, type Frame } from './svg.js';

/** One colour per policy, kept across every chart so a reader learns it once. */
const COLORS: Record<string, string> = {
  static: '#7f8c8d',
  vpa: '#e67e22',
  reactive: '#8e44ad',
  predictive: '#2471a3',
  oracle: '#27ae60',
};
const FALLBACK = ['#c0392b', '#16a085', '#d4ac0d', '#5d6d7e'];

export function policyColor(name: string, index = 0): string {
  return COLORS[name] ?? FALLBACK[index % FALLBACK.length] ?? '#333';
}

const GiB = 1024 ** 3;

function pct(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** A tick value with no more decimals than it needs (0, 0.5, 1, 2.5). */
export function tickNumber(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

const gib = tickNumber;

/**
 * The headline chart: each policy as a point at (memory slack, OOM kills). Bottom-left is better on
 * both; the two failure modes (waste and kills) are visible at once, and so is the oracle's floor.
 */
export function slackVsOomChart(rows: readonly ResizePolicyRow[]): string {
  const f: Frame = { width: 560, height: 360, left: 56, right: 24, top: 24, bottom: 44 };
  const maxKills = Math.max(0, ...rows.map((r) => r.oomKills + r.evictions));
  const maxSlack = Math.max(0.1, ...rows.map((r) => r.memSlack));
  // Slack goes negative when pods use more than they request (Burstable pods living off the node's spare).
  const minSlack = Math.min(0, ...rows.map((r) => r.memSlack));
  const [lo, hi] = niceDomain(minSlack, maxSlack, 5);
  const x = linear([lo, Math.min(1, hi)], innerX(f));
  const y = linear([0, niceMax(Math.max(maxKills, 1))], innerY(f));
  const parts = [svgOpen(f, 'Memory slack against OOM kills and evictions, per policy')];
  parts.push(axes(f, x, y, { fmtX: pct, fmtY: (v) => (Number.isInteger(v) ? String(v) : ''), xLabel: 'memory slack (share of requested memory unused)', yLabel: 'OOM kills + evictions' }));
  if (lo < 0) parts.push(`<line class="zero" x1="${f1(x(0))}" x2="${f1(x(0))}" y1="${f1(f.top)}" y2="${f1(f.height - f.bottom)}"/>`);
  parts.push(`<text class="hint" x="${f1(f.left + 8)}" y="${f1(f.top + 4)}">best: no kills, slack just above 0 %${lo < 0 ? ' (left of the dashed line: pods use more than they request)' : ''}</text>`);
  parts.push(
    pointsWithLabels(rows, f, (r) => [x(r.memSlack), y(r.oomKills + r.evictions)], {
      label: (r) => `${r.policy} (${r.oomKills}/${r.evictions})`,
      title: (r) => `${r.policy}: ${pct(r.memSlack)} slack, ${r.oomKills} OOM kills, ${r.evictions} evictions`,
    }),
  );
  parts.push('</svg>');
  return parts.join('');
}

/**
 * One dot per policy with its label beside it; a label that would print over an earlier one is lifted
 * until it clears, and flipped to the left near the right edge so it stays inside the chart.
 */
function pointsWithLabels(
  rows: readonly ResizePolicyRow[],
  f: Frame,
  at: (r: ResizePolicyRow) => [number, number],
  text: { readonly label: (r: ResizePolicyRow) => string; readonly title: (r: ResizePolicyRow) => string },
): string {
  const parts: string[] = [];
  const placed: Array<{ x0: number; x1: number; y: number }> = [];
  rows.forEach((r, i) => {
    const [cx, cy] = at(r);
    const color = policyColor(r.policy, i);
    const label = text.label(r);
    const w = label.length * 7;
    const anchor = cx > f.width - f.right - w - 12 ? 'end' : 'start';
    const x0 = anchor === 'end' ? cx - 10 - w : cx + 10;
    let ly = cy - 9;
    while (placed.some((p) => p.x0 < x0 + w && x0 < p.x1 && Math.abs(p.y - ly) < 14)) ly -= 14;
    // Lifted past the top: put it below the dot instead, still clear of the others.
    if (ly < f.top + 10) {
      ly = cy + 20;
      while (placed.some((p) => p.x0 < x0 + w && x0 < p.x1 && Math.abs(p.y - ly) < 14)) ly += 14;
    }
    placed.push({ x0, x1: x0 + w, y: ly });
    parts.push(`<circle cx="${f1(cx)}" cy="${f1(cy)}" r="7" fill="${color}" stroke="#fff" stroke-width="1.5"><title>${esc(text.title(r))}</title></circle>`);
    parts.push(`<text class="point-label" x="${f1(anchor === 'end' ? cx - 10 : cx + 10)}" y="${f1(ly)}" text-anchor="${anchor}" fill="${color}">${esc(label)}</text>`);
  });
  return parts.join('');
}

/**
 * The headline trade-off, a Pareto chart: each policy at (node-hours, disruptions). Bottom-left is
 * better on both; the dashed line is the trace's physical floor, which no policy can pass.
 */
export function paretoChart(rows: readonly ResizePolicyRow[], floorNodeHours: number): string {
  const f: Frame = { width: 560, height: 360, left: 56, right: 24, top: 24, bottom: 44 };
  const maxX = Math.max(floorNodeHours, ...rows.map((r) => r.nodeHours)) * 1.1 || 1;
  const x = linear([0, niceMax(maxX)], innerX(f));
  const y = linear([0, niceMax(Math.max(1, ...rows.map((r) => r.disruptions)))], innerY(f));
  const parts = [svgOpen(f, 'Node-hours against disruptions, per policy (Pareto)')];
  parts.push(axes(f, x, y, { fmtX: tickNumber, fmtY: (v) => (Number.isInteger(v) ? String(v) : ''), xLabel: 'node-hours', yLabel: 'disruptions' }));
  if (floorNodeHours > 0) {
    parts.push(`<line class="zero" x1="${f1(x(floorNodeHours))}" x2="${f1(x(floorNodeHours))}" y1="${f1(f.top)}" y2="${f1(f.height - f.bottom)}"><title>floor: ${tickNumber(floorNodeHours)} node-hours</title></line>`);
  }
  parts.push(`<text class="hint" x="${f1(f.left + 8)}" y="${f1(f.top + 4)}">best: bottom left; dashed: the physical floor</text>`);
  parts.push(
    pointsWithLabels(rows, f, (r) => [x(r.nodeHours), y(r.disruptions)], {
      label: (r) => `${r.policy} (${tickNumber(Math.round(r.nodeHours * 100) / 100)}, ${r.disruptions})`,
      title: (r) => `${r.policy}: ${r.nodeHours} node-hours, ${r.disruptions} disruptions (${r.oomKills} OOM kills, ${r.evictions} evictions, ${r.nodeOomKills} node OOM kills)`,
    }),
  );
  parts.push('</svg>');
  return parts.join('');
}

interface BarMetric {
  readonly title: string;
  readonly value: (r: ResizePolicyRow) => number;
  readonly fmt: (v: number) => string;
}

const BAR_METRICS: readonly BarMetric[] = [
  { title: 'OOM kills', value: (r) => r.oomKills, fmt: (v) => String(v) },
  { title: 'evictions', value: (r) => r.evictions, fmt: (v) => String(v) },
  { title: 'memory slack', value: (r) => r.memSlack, fmt: pct },
  { title: 'CPU slack', value: (r) => r.cpuSlack, fmt: pct },
  { title: 'memory requested (GiB·h)', value: (r) => r.memRequestedGiBHours, fmt: (v) => v.toFixed(1) },
  { title: 'node-hours', value: (r) => r.nodeHours, fmt: (v) => v.toFixed(1) },
  { title: 'lost work (min)', value: (r) => r.lostWorkSeconds / 60, fmt: (v) => v.toFixed(0) },
  { title: 'resizes', value: (r) => r.resizes, fmt: (v) => String(v) },
];

/** Small multiples: one bar chart per metric, the same policy order and colours in each. */
export function metricBars(rows: readonly ResizePolicyRow[]): string {
  const barH = 18;
  const f: Frame = { width: 300, height: 34 + rows.length * (barH + 6), left: 78, right: 52, top: 26, bottom: 8 };
  return BAR_METRICS.map((m) => {
    const max = Math.max(...rows.map(m.value), 0);
    const min = Math.min(...rows.map(m.value), 0);
    const x = linear([min, max > min ? max : min + 1], innerX(f));
    const zero = x(0);
    const parts = [svgOpen(f, m.title), `<text class="chart-title" x="4" y="16">${esc(m.title)}</text>`];
    rows.forEach((r, i) => {
      const v = m.value(r);
      const py = f.top + i * (barH + 6);
      parts.push(`<text class="tick" x="${f.left - 6}" y="${f1(py + barH / 2)}" text-anchor="end" dominant-baseline="middle">${esc(r.policy)}</text>`);
      const a = Math.min(zero, x(v));
      parts.push(`<rect x="${f1(a)}" y="${py}" width="${f1(Math.abs(x(v) - zero))}" height="${barH}" fill="${policyColor(r.policy, i)}" rx="2"/>`);
      parts.push(`<text class="value" x="${f1(Math.max(zero, x(v)) + 4)}" y="${f1(py + barH / 2)}" dominant-baseline="middle">${esc(m.fmt(v))}</text>`);
    });
    if (min < 0) parts.push(`<line class="axis" x1="${f1(zero)}" x2="${f1(zero)}" y1="${f.top - 3}" y2="${f1(f.height - f.bottom + 2)}"/>`);
    parts.push('</svg>');
    return parts.join('');
  }).join('');
}

/**
 * At most `max` points: every event and every change of request or limit is kept (they are the story),
 * and between them the point of highest usage per bucket, so bursts survive the thinning.
 */
export function decimate(points: readonly TimelinePoint[], max: number): TimelinePoint[] {
  if (points.length <= max) return [...points];
  const bucket = Math.ceil(points.length / max);
  const out: TimelinePoint[] = [];
  let best: TimelinePoint | undefined;
  points.forEach((p, i) => {
    const prev = points[i - 1];
    const keep = p.event !== undefined || i === 0 || i === points.length - 1 || (prev !== undefined && (prev.memRequest !== p.memRequest || prev.memLimit !== p.memLimit));
    if (keep) out.push(p);
    else if (best === undefined || p.memUsed > best.memUsed) best = p;
    if ((i + 1) % bucket === 0 && best !== undefined) {
      out.push(best);
      best = undefined;
    }
  });
  if (best !== undefined) out.push(best);
  return out.sort((a, b) => a.tS - b.tS);
}

/** The shared y-axis tops of one session's panels, so policies compare at a glance. */
export interface PanelScale {
  readonly memMaxBytes: number;
  readonly cpuMaxCores: number;
}

/**
 * One policy over one session. Top: memory, usage as an area, request (dashed) and limit as steps,
 * kills marked. Bottom band: CPU used against the CPU limit (the gap above the limit is throttling).
 */
export function timelinePanel(points: readonly TimelinePoint[], policy: string, color: string, scale: PanelScale, span: readonly [number, number]): string {
  const outer: Frame = { width: 300, height: 236, left: 44, right: 10, top: 22, bottom: 32 };
  const mem: Frame = { ...outer, height: 150, bottom: 10 };
  const cpu: Frame = { ...outer, top: 160 };
  const pts = decimate(points, 500);
  const x = linear([0, Math.max(1, (span[1] - span[0]) / 60)], innerX(outer));
  const y = linear([0, scale.memMaxBytes / GiB], innerY(mem));
  const yc = linear([0, scale.cpuMaxCores], innerY(cpu));
  const px = (p: TimelinePoint): number => x((p.tS - span[0]) / 60);
  const kills = pts.filter((p) => p.event === 'oom' || p.event === 'evicted');
  const parts = [svgOpen(outer, `${policy}: memory and CPU over the session`)];
  parts.push(`<text class="chart-title" x="4" y="14" fill="${color}">${esc(policy)}${kills.length > 0 ? ` · ${kills.length} kill${kills.length > 1 ? 's' : ''}` : ''}</text>`);
  parts.push(axes(mem, x, y, { fmtX: (v) => `${v}m`, fmtY: (v) => gib(v), yTicks: 4, hideX: true }));
  parts.push(axes(cpu, x, yc, { fmtX: (v) => `${v}m`, fmtY: (v) => tickNumber(v), xTicks: 4, yTicks: 2 }));
  parts.push(`<text class="band-label" x="${outer.width - outer.right}" y="${cpu.top - 2}" text-anchor="end">CPU cores</text>`);
  if (pts.length > 0) {
    const usage = pts.map((p) => [px(p), y(p.memUsed / GiB)] as const);
    const first = usage[0];
    const last = usage[usage.length - 1];
    if (first && last) {
      const base = f1(y(0));
      parts.push(`<path class="usage-area" d="${linePath(usage)}L${f1(last[0])} ${base}L${f1(first[0])} ${base}Z"/>`);
    }
    parts.push(`<path class="usage" d="${linePath(usage)}"/>`);
    parts.push(`<path class="request" stroke="${color}" d="${stepPath(pts.map((p) => [px(p), y(p.memRequest / GiB)] as const))}"/>`);
    parts.push(`<path class="limit" stroke="${color}" d="${stepPath(pts.map((p) => [px(p), y(p.memLimit / GiB)] as const))}"/>`);
    parts.push(`<path class="usage" d="${linePath(pts.map((p) => [px(p), yc(Math.min(p.cpuUsed, scale.cpuMaxCores))] as const))}"/>`);
    parts.push(`<path class="limit" stroke="${color}" d="${stepPath(pts.map((p) => [px(p), yc(Math.min(p.cpuLimit, scale.cpuMaxCores))] as const))}"/>`);
  }
  for (const k of kills) {
    const cx = px(k);
    const cy = mem.top + 4;
    parts.push(`<path class="${k.event === 'oom' ? 'oom' : 'evicted'}" d="M${f1(cx - 5)} ${f1(cy - 4)}L${f1(cx + 5)} ${f1(cy - 4)}L${f1(cx)} ${f1(cy + 5)}Z"><title>${k.event === 'oom' ? 'OOM kill' : 'evicted'} at ${Math.round(k.tS)} s</title></path>`);
    parts.push(`<line class="kill-line" x1="${f1(cx)}" x2="${f1(cx)}" y1="${f1(cy + 5)}" y2="${f1(y(0))}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Cumulative distribution of a per-session value, one line per policy: read "this share of sessions
 * had at most this slack". Lines further left are tighter sizing.
 */
export function cdfChart(series: ReadonlyArray<{ readonly policy: string; readonly values: readonly number[] }>, title: string, xLabel: string, fmt: (v: number) => string, xMax?: number): string {
  const f: Frame = { width: 520, height: 300, left: 52, right: 110, top: 24, bottom: 44 };
  const all = series.flatMap((s) => s.values);
  const lo = Math.min(0, ...all);
  const hi = xMax ?? niceMax(Math.max(...all, lo + 1e-9), lo);
  const x = linear([lo, hi], innerX(f));
  const y = linear([0, 1], innerY(f));
  const parts = [svgOpen(f, title), `<text class="chart-title" x="4" y="16">${esc(title)}</text>`];
  parts.push(axes(f, x, y, { fmtX: fmt, fmtY: pct, xLabel, yTicks: 4 }));
  series.forEach((s, i) => {
    const sorted = [...s.values].sort((a, b) => a - b);
    const n = sorted.length;
    if (n === 0) return;
    const pts: Array<readonly [number, number]> = [[x(sorted[0] ?? 0), y(0)]];
    sorted.forEach((v, k) => {
      pts.push([x(Math.min(v, hi)), y(k / n)]);
      pts.push([x(Math.min(v, hi)), y((k + 1) / n)]);
    });
    const color = policyColor(s.policy, i);
    parts.push(`<path class="cdf" stroke="${color}" d="${linePath(pts)}"><title>${esc(s.policy)}</title></path>`);
  });
  parts.push(legend(series.map((s) => s.policy), f.width - f.right + 14, f.top + 10));
  parts.push('</svg>');
  return parts.join('');
}

function legend(names: readonly string[], x0: number, y0: number): string {
  return names
    .map((n, i) => {
      const yy = y0 + i * 16;
      return `<rect x="${x0}" y="${yy - 5}" width="14" height="4" fill="${policyColor(n, i)}"/><text class="tick" x="${x0 + 20}" y="${yy}" dominant-baseline="middle">${esc(n)}</text>`;
    })
    .join('');
}

/** Histogram of per-session peak memory: the spread of sizes a single static request has to cover. */
export function histogramChart(values: readonly number[], title: string, xLabel: string, fmt: (v: number) => string, bins = 24): string {
  const f: Frame = { width: 460, height: 300, left: 52, right: 20, top: 24, bottom: 44 };
  const parts = [svgOpen(f, title), `<text class="chart-title" x="4" y="16">${esc(title)}</text>`];
  if (values.length === 0) return `${parts.join('')}</svg>`;
  const hi = niceMax(Math.max(...values));
  const width = hi / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]! += 1;
  const x = linear([0, hi], innerX(f));
  const y = linear([0, niceMax(Math.max(...counts))], innerY(f));
  parts.push(axes(f, x, y, { fmtX: fmt, fmtY: (v) => (Number.isInteger(v) ? String(v) : ''), xLabel, yLabel: 'sessions', yTicks: 4 }));
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = x(i * width) + 1;
    const x1 = x((i + 1) * width) - 1;
    parts.push(`<rect class="bar" x="${f1(x0)}" y="${f1(y(c))}" width="${f1(Math.max(1, x1 - x0))}" height="${f1(y(0) - y(c))}"><title>${c} sessions</title></rect>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
