/**
 * Pooling one policy's rows from several replays (cross-validation folds) into one row: totals add up,
 * peaks take the largest, and ratios are recomputed from the pooled totals, never averaged, so a
 * small fold weighs what its pod-seconds weigh.
 */
import type { ResizePolicyRow } from './result-types.js';
import { round } from './scoring.js';

/** Fields that are a peak over time, not a total. */
const PEAKS = new Set(['peakNodes']);

/** Ratios: pod-seconds-weighted unless recomputed from totals below. */
function isRatio(field: string): boolean {
  return /Slack$|Share$|Per[A-Z0-9]|Ratio$|P\d\d/.test(field);
}

function num(row: ResizePolicyRow, field: string): number {
  const v = row[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Pools the rows of one policy (same order of fields as the first row). */
export function poolRows(rows: readonly ResizePolicyRow[]): ResizePolicyRow {
  const first = rows[0];
  if (first === undefined) throw new Error('poolRows: no rows');
  const podS = rows.map((r) => num(r, 'scoredPodSeconds'));
  const totalPodS = podS.reduce((a, b) => a + b, 0);
  const sum = (f: string): number => rows.reduce((a, r) => a + num(r, f), 0);
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(first)) {
    if (typeof v !== 'number') out[field] = v;
    else if (PEAKS.has(field)) out[field] = Math.max(...rows.map((r) => num(r, field)));
    else if (isRatio(field)) out[field] = totalPodS > 0 ? round(rows.reduce((a, r, i) => a + num(r, field) * (podS[i] ?? 0), 0) / totalPodS, 6) : 0;
    else out[field] = round(sum(field), 6);
  }
  // Ratios with a known definition are recomputed from the pooled totals.
  const memReq = sum('memRequestedGiBHours');
  if (memReq > 0) out['memSlack'] = round(1 - sum('memUsedGiBHours') / memReq, 6);
  const cpuReq = sum('cpuRequestedCoreHours');
  const cpuUsed = rows.reduce((a, r) => a + (1 - num(r, 'cpuSlack')) * num(r, 'cpuRequestedCoreHours'), 0);
  if (cpuReq > 0) out['cpuSlack'] = round(1 - cpuUsed / cpuReq, 6);
  const podHours = totalPodS / 3600;
  if ('apiWritesPerPodHour' in first && podHours > 0) out['apiWritesPerPodHour'] = round(sum('apiWrites') / podHours, 6);
  if ('disruptionsPer100PodHours' in first && podHours > 0) out['disruptionsPer100PodHours'] = round((100 * sum('disruptions')) / podHours, 6);
  return out as ResizePolicyRow;
}
