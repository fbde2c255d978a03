import type { BenchResult, ResizePolicyRow } from './result-types.js';
import type { CvDetail } from '../replay/run-cv.js';

function fmt(x: unknown, digits: number): string {
  return typeof x === 'number' ? x.toFixed(digits) : '-';
}

function disruptions(r: ResizePolicyRow): number {
  if (typeof r['disruptions'] === 'number') return r['disruptions'];
  return r.oomKills + r.evictions + (typeof r['nodeOomKills'] === 'number' ? r['nodeOomKills'] : 0);
}

/** API writes per pod-hour: the v2 field, else resize PATCHes per pod-hour (writes without the Events). */
function writesPerPodHour(r: ResizePolicyRow): number | undefined {
  if (typeof r['apiWritesPerPodHour'] === 'number') return r['apiWritesPerPodHour'];
  const podS = r['scoredPodSeconds'];
  return typeof podS === 'number' && podS > 0 ? (r.resizes * 3600) / podS : undefined;
}

/**
 * Under `--cv K`, the per-fold figures below a trace's table (whose rows are the folds pooled): per
 * policy and fold, node-hours, disruptions and API writes per pod-hour. Empty without --cv.
 */
export function formatCvFolds(result: BenchResult): string {
  const cv = result['cv'] as CvDetail | undefined;
  if (cv === undefined) return '';
  const lines = [`cross-validation: ${cv.k} folds of the sessions (seed ${cv.seed}); the rows above are the folds pooled. Per fold, node-hours / disruptions / writes per pod-hour:`];
  const names = cv.folds[0]?.policies.map((p) => p.policy) ?? [];
  // Wide enough for the longest name (`predictive+hints` under --hints), as the table above is.
  const w = Math.max(14, ...names.map((n) => n.length + 2));
  const head = `${'policy'.padEnd(w)}${cv.folds.map((f) => `fold ${f.fold} (${f.sessions})`.padStart(20)).join('')}`;
  lines.push(head);
  for (const name of names) {
    const cells = cv.folds.map((f) => {
      const r = f.policies.find((p) => p.policy === name);
      return (r ? `${fmt(r.nodeHours, 2)} / ${disruptions(r)} / ${fmt(writesPerPodHour(r), 1)}` : '-').padStart(20);
    });
    lines.push(`${name.padEnd(w)}${cells.join('')}`);
  }
  return `${lines.join('\n')}\n`;
}
