import type { BenchResult, ResizePolicyRow } from './result-types.js';
import { basePolicyName, isHintedName } from '../replay/hinted-policies.js';

function num(x: number, digits: number): string {
  return x.toFixed(digits);
}

function count(r: ResizePolicyRow, field: string): number {
  const v = r[field];
  return typeof v === 'number' ? v : 0;
}

/**
 * The lines under a result block that set each hinted row (`NAME+hints`) beside its unhinted twin of
 * the same run: what the hints were, and what they changed. A trace whose samples name no tool sends
 * no hint, and the output says so rather than print two equal rows without comment.
 */
export function hintLines(result: BenchResult): string[] {
  const rows = result.policies as readonly ResizePolicyRow[];
  const h = result.settings['hints'] as { latencyS: number; lossRate: number } | null | undefined;
  const out: string[] = [];
  for (const r of rows.filter((x) => isHintedName(x.policy))) {
    const base = rows.find((x) => x.policy === basePolicyName(r.policy));
    const sent = count(r, 'hintsSent');
    const how = h ? ` (latency ${Math.round(h.latencyS * 1000)}ms, loss ${num(h.lossRate * 100, 1)}%)` : '';
    if (sent === 0) {
      out.push(`hints${how}: no sample of this trace names a tool (the \`tool\` field), so no hint was sent; ${r.policy} replays as ${basePolicyName(r.policy)}`);
      continue;
    }
    out.push(`hints${how}: ${sent} tool starts announced, ${count(r, 'hintsLost')} lost, ${count(r, 'hintsDelivered')} delivered, ${count(r, 'hintResizes')} resized a pod`);
    if (!base) continue;
    const f = result.floorNodeHours ?? 0;
    const x = (v: number): string => (f > 0 ? ` (${num(v / f, 2)}× floor)` : '');
    out.push(
      `${r.policy} vs ${base.policy}: node-h ${num(base.nodeHours, 2)}${x(base.nodeHours)} → ${num(r.nodeHours, 2)}${x(r.nodeHours)}, ` +
        `disruptions ${base.disruptions} → ${r.disruptions} (/100 pod-h ${num(base.disruptionsPer100PodHours, 2)} → ${num(r.disruptionsPer100PodHours, 2)}), ` +
        `writes/pod-h ${num(base.apiWritesPerPodHour, 1)} → ${num(r.apiWritesPerPodHour, 1)}`,
    );
  }
  return out;
}
