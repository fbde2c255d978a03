/** plan's table, and its report section: cost per month against traffic, a line per policy and shape. */
import { policyColor } from '../report/charts.js';
import { REPORT_CSS } from '../report/style.js';
import { axes, esc, f1, innerX, innerY, linear, niceMax, svgOpen, type Frame } from '../report/svg.js';
import type { PlanResult } from './run-plan.js';

export function planTable(r: PlanResult): string {
  const head = 'policy       node shape  scale  peak nodes  p95 nodes  node-hours  mean nodes  cost/month  disruptions  /100 pod-h';
  const lines = [
    `plan on ${r.trace.name}: ${r.trace.sessions} sessions over ${r.trace.spanHours.toFixed(2)} h; cost/month = mean nodes x 730 h x price per node-hour (${[...new Set(r.rows.map((x) => `${x.nodeShape} $${x.pricePerNodeHour}`))].join(', ')}); seed ${r.seed}`,
    head,
    '-'.repeat(head.length),
  ];
  for (const x of r.rows) {
    lines.push(
      `${x.policy.padEnd(11)}  ${x.nodeShape.padStart(10)}  ${`${x.scale}x`.padStart(5)}  ${String(x.peakNodes).padStart(10)}  ${String(x.p95Nodes).padStart(9)}  ${x.nodeHours.toFixed(2).padStart(10)}  ${x.meanNodes.toFixed(2).padStart(10)}  ${`$${x.costPerMonth.toFixed(0)}`.padStart(10)}  ${String(x.disruptions).padStart(11)}  ${x.disruptionsPer100PodHours.toFixed(2).padStart(10)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** SVG: cost per month (y) against the traffic scale (x), one line per policy × node shape. */
export function costChart(r: PlanResult): string {
  const f: Frame = { width: 640, height: 360, left: 72, right: 150, top: 16, bottom: 44 };
  const scales = [...new Set(r.rows.map((x) => x.scale))].sort((a, b) => a - b);
  const x = linear([0, niceMax(Math.max(...scales))], innerX(f));
  const y = linear([0, niceMax(Math.max(...r.rows.map((x) => x.costPerMonth), 1))], innerY(f));
  const parts = [svgOpen(f, 'cost per month against traffic'), axes(f, x, y, { fmtX: (v) => `${v}x`, fmtY: (v) => `$${v.toFixed(0)}`, xLabel: 'traffic (x the recorded sessions)', yLabel: 'cost / month' })];
  const series = [...new Set(r.rows.map((x) => `${x.policy} ${x.nodeShape}`))];
  series.forEach((name, i) => {
    const rows = r.rows.filter((x) => `${x.policy} ${x.nodeShape}` === name).sort((a, b) => a.scale - b.scale);
    const color = policyColor(rows[0]?.policy ?? '', i);
    const dash = r.rows.findIndex((x) => x.nodeShape === rows[0]?.nodeShape) === 0 ? '' : ' stroke-dasharray="5 3"';
    parts.push(`<path d="${rows.map((p, k) => `${k === 0 ? 'M' : 'L'}${f1(x(p.scale))} ${f1(y(p.costPerMonth))}`).join('')}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of rows) parts.push(`<circle cx="${f1(x(p.scale))}" cy="${f1(y(p.costPerMonth))}" r="3" fill="${color}"><title>${esc(`${name} ${p.scale}x: $${p.costPerMonth}/month, ${p.disruptions} disruptions`)}</title></circle>`);
    parts.push(`<text class="label" x="${f.width - f.right + 8}" y="${f.top + 14 * (i + 1)}" fill="${color}">${esc(name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function planReport(r: PlanResult): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>burstguard plan: ${esc(r.trace.name)}</title><style>${REPORT_CSS}</style></head><body>
<h1>burstguard plan: ${esc(r.trace.name)}</h1>
<h2>Cost against traffic</h2>
<p>Each point is one replay of the trace with its sessions multiplied by the scale (resampled along the recorded arrivals), on nodes of the shape, at the shape's price per node-hour. Dashed: the second node shape.</p>
${costChart(r)}
<pre>${esc(planTable(r))}</pre></body></html>
`;
}
