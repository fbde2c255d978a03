/**
 * What tune hands back: the table (every point on the tuning half, frontier `*`, chosen `>`), the
 * validation-half figures, the ConfigMap with the chosen figures in its comments, and the HTML
 * report's frontier chart.
 */
import { configMapYaml } from '../../src/config/index.js';
import { axes, esc, f1, innerX, innerY, linear, niceMax, svgOpen, type Frame } from '../report/svg.js';
import { REPORT_CSS } from '../report/style.js';
import type { Score } from './pareto.js';
import type { TuneResult } from './run-tune.js';

const short = (knob: string): string => knob.split('.').pop() ?? knob;

function figures(s: Score): string {
  return `${s.nodeHours.toFixed(2)} node-h, peak ${s.peakNodes} nodes, ${s.disruptions} disruptions (${s.disruptionsPer100PodHours.toFixed(2)}/100 pod-h), ${s.apiWrites} writes, mem slack ${(100 * s.memSlack).toFixed(1)}%`;
}

/** The console table and summary. */
export function tuneTable(r: TuneResult): string {
  const frontier = new Set(r.frontier);
  const cols = r.knobs.map(short);
  const width = cols.map((c) => Math.max(c.length, 8));
  const head = `    ${cols.map((c, i) => c.padStart(width[i] ?? 8)).join('  ')}    node-h  peak  disr  /100pod-h  writes`;
  const lines = [
    `tune ${r.policy} on ${r.trace.name}: ${r.points.length} points; tuning half ${r.halves.tuningSessions} sessions, validation half ${r.halves.validationSessions} (seed ${r.seed}); budget ${r.budget}; ${r.jobs} job${r.jobs > 1 ? 's' : ''}, ${r.wallSeconds.toFixed(1)} s`,
    head,
    '-'.repeat(head.length),
  ];
  r.points.forEach((p, i) => {
    const mark = `${i === r.chosen ? '>' : ' '}${frontier.has(i) ? '*' : ' '}`;
    const vals = r.knobs.map((k, j) => String(p.point[k] ?? '').padStart(width[j] ?? 8)).join('  ');
    const s = p.tuning;
    lines.push(`${mark}  ${vals}  ${s.nodeHours.toFixed(2).padStart(8)}  ${String(s.peakNodes).padStart(4)}  ${String(s.disruptions).padStart(4)}  ${s.disruptionsPer100PodHours.toFixed(2).padStart(9)}  ${String(s.apiWrites).padStart(6)}`);
  });
  lines.push('* Pareto frontier (node-hours vs disruptions, tuning half)   > chosen: fewest node-hours within the budget');
  lines.push(`validation half, chosen: ${figures(r.validation.chosen)}`);
  lines.push(`validation half, untuned config: ${figures(r.validation.untuned)}`);
  return `${lines.join('\n')}\n`;
}

/** The ConfigMap to install, its header comments saying where the figures come from. */
export function tunedConfigMap(r: TuneResult): string {
  const p = r.points[r.chosen];
  const chosen = r.knobs.map((k) => `#   ${k}: ${String(p?.point[k] ?? '')}`);
  const comments = [
    `# Written by burstguard tune (policy ${r.policy}, budget ${r.budget}, seed ${r.seed}) from trace ${r.trace.name} (${r.trace.path}).`,
    '# Chosen point (the fewest node-hours within the budget on the tuning half):',
    ...chosen,
    `# Tuning half (${r.halves.tuningSessions} sessions): ${p ? figures(p.tuning) : ''}`,
    `# Validation half (${r.halves.validationSessions} sessions, not seen by the search): ${figures(r.validation.chosen)}`,
    `# Untuned config on the validation half, for comparison: ${figures(r.validation.untuned)}`,
    '# engine.dryRun is as in the base config: turn it off to act.',
  ];
  return `${comments.join('\n')}\n${configMapYaml(r.chosenConfig)}`;
}

/** An SVG of every point (node-hours vs disruptions per 100 pod-hours), the frontier joined, the chosen ringed. */
export function frontierChart(r: TuneResult): string {
  const f: Frame = { width: 640, height: 360, left: 64, right: 20, top: 16, bottom: 44 };
  const xs = r.points.map((p) => p.tuning.nodeHours);
  const ys = r.points.map((p) => p.tuning.disruptionsPer100PodHours);
  const x = linear([Math.min(...xs) * 0.95, niceMax(Math.max(...xs) * 1.02)], innerX(f));
  const y = linear([0, niceMax(Math.max(...ys, 0.1))], innerY(f));
  const front = r.frontier.map((i) => r.points[i]).filter((p) => p !== undefined);
  const parts = [svgOpen(f, `tune ${r.policy}: node-hours against disruptions`), axes(f, x, y, { fmtX: (v) => v.toFixed(2), fmtY: (v) => v.toFixed(1), xLabel: 'node-hours (tuning half)', yLabel: 'disruptions / 100 pod-h' })];
  parts.push(`<path d="${front.map((p, i) => `${i === 0 ? 'M' : 'L'}${f1(x(p.tuning.nodeHours))} ${f1(y(p.tuning.disruptionsPer100PodHours))}`).join('')}" fill="none" stroke="#888" stroke-dasharray="4 3"/>`);
  r.points.forEach((p, i) => {
    const cx = f1(x(p.tuning.nodeHours));
    const cy = f1(y(p.tuning.disruptionsPer100PodHours));
    const label = esc(r.knobs.map((k) => `${short(k)}=${String(p.point[k] ?? '')}`).join(', '));
    parts.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="${r.frontier.includes(i) ? '#1f77b4' : '#bbb'}"><title>${label}</title></circle>`);
    if (i === r.chosen) parts.push(`<circle cx="${cx}" cy="${cy}" r="9" fill="none" stroke="#d62728" stroke-width="2"/><text x="${f1(x(p.tuning.nodeHours) + 12)}" y="${cy}" class="label">chosen</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A self-contained HTML page: the chart, the table and the validation figures. */
export function tuneReport(r: TuneResult): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>burstguard tune: ${esc(r.policy)} on ${esc(r.trace.name)}</title><style>${REPORT_CSS}</style></head><body>
<h1>burstguard tune: ${esc(r.policy)} on ${esc(r.trace.name)}</h1>
<p>Every grid point replayed on the tuning half (${r.halves.tuningSessions} sessions); blue: the Pareto frontier; ringed: the chosen point (fewest node-hours within ${esc(r.budget)}), then scored on the validation half (${r.halves.validationSessions} sessions) it was not chosen on.</p>
${frontierChart(r)}
<pre>${esc(tuneTable(r))}</pre></body></html>
`;
}
