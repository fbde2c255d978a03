import type { ResizePolicyRow } from '../score/result-types.js';
import { policyColor } from './charts.js';
import { esc } from './svg.js';

interface Col {
  readonly title: string;
  readonly value: (r: ResizePolicyRow) => number;
  readonly fmt: (v: number) => string;
  /**
   * How the best value is found: `low` the smallest, `low-nonneg` the smallest that is not below zero
   * (negative slack is under-requesting, not thrift). Absent: the column is not judged.
   */
  readonly better?: 'low' | 'low-nonneg';
}

const COLS: readonly Col[] = [
  { title: 'OOM kills', value: (r) => r.oomKills, fmt: String, better: 'low' },
  { title: 'evictions', value: (r) => r.evictions, fmt: String, better: 'low' },
  { title: 'failed', value: (r) => r.sessionsFailed, fmt: String, better: 'low' },
  { title: 'lost work (s)', value: (r) => r.lostWorkSeconds, fmt: (v) => v.toFixed(0), better: 'low' },
  { title: 'mem slack', value: (r) => r.memSlack, fmt: (v) => `${(v * 100).toFixed(1)}%`, better: 'low-nonneg' },
  { title: 'cpu slack', value: (r) => r.cpuSlack, fmt: (v) => `${(v * 100).toFixed(1)}%`, better: 'low-nonneg' },
  { title: 'throttled (core·s)', value: (r) => r.cpuThrottledCoreSeconds, fmt: (v) => v.toFixed(0), better: 'low' },
  { title: 'mem GiB·h requested', value: (r) => r.memRequestedGiBHours, fmt: (v) => v.toFixed(2) },
  { title: 'mem GiB·h used', value: (r) => r.memUsedGiBHours, fmt: (v) => v.toFixed(2) },
  { title: 'resizes', value: (r) => r.resizes, fmt: String },
  { title: 'deferred', value: (r) => r.resizesDeferred, fmt: String },
  { title: 'infeasible', value: (r) => r.resizesInfeasible, fmt: String },
  { title: 'peak nodes', value: (r) => r.peakNodes, fmt: String, better: 'low' },
  { title: 'node-hours', value: (r) => r.nodeHours, fmt: (v) => v.toFixed(2), better: 'low' },
  { title: 'replay s', value: (r) => r.replaySeconds, fmt: (v) => v.toFixed(2) },
];

function bestOf(c: Col, rows: readonly ResizePolicyRow[]): number | undefined {
  const vals = rows.map(c.value).filter((v) => c.better === 'low' || v >= 0);
  return vals.length > 0 ? Math.min(...vals) : undefined;
}

/** The result table as HTML; the best causal value of each judged column is highlighted (the oracle is not a contender). */
export function resultTableHtml(rows: readonly ResizePolicyRow[]): string {
  const contenders = rows.filter((r) => r.policy !== 'oracle');
  const head = `<tr><th>policy</th>${COLS.map((c) => `<th>${esc(c.title)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r, i) => {
      const cells = COLS.map((c) => {
        const v = c.value(r);
        const best = c.better !== undefined && r.policy !== 'oracle' && contenders.length > 1 && v === bestOf(c, contenders);
        return `<td${best ? ' class="best"' : ''}>${esc(c.fmt(v))}</td>`;
      }).join('');
      return `<tr><td><span class="swatch" style="background:${policyColor(r.policy, i)}"></span>${esc(r.policy)}</td>${cells}</tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}
