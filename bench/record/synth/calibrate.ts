/**
 * `npm run bench:calibrate`: how well the synthetic resource model matches the real AgentCgroup
 * container series. The model is driven by each real task's own tool timeline and context sizes, so
 * real and synthetic differ only in what the model invents: memory and CPU.
 *
 *   node --import tsx bench/synth/calibrate.ts [--data DIR] [--seed N] [--seeds K] [--run haiku_nolimit]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TraceSample } from '../../../src/trace/types.js';
import { agentcgroupActivities, agentcgroupRealSessions } from '../importers/agentcgroup.js';
import { readCsv } from '../importers/csv.js';
import { defaultDataDir } from '../importers/data-dir.js';
import { defaultResourceParams, synthesizeSession } from './resource-model.js';
import { quantile, sessionFigures, toolExcesses, type SessionFigures, type ToolExcess } from './series-stats.js';

const { values: args } = parseArgs({
  options: { data: { type: 'string' }, seed: { type: 'string', default: '1' }, seeds: { type: 'string', default: '5' }, run: { type: 'string', default: 'haiku_nolimit' } },
});
const dataDir = args.data ?? defaultDataDir();
const dir = join(dataDir, 'agentcgroup');
const [samples, toolCalls, tasks] = await Promise.all([readCsv(join(dir, 'samples.csv.gz')), readCsv(join(dir, 'tool_calls.csv')), readCsv(join(dir, 'tasks.csv'))]);
if (!samples.ok || !toolCalls.ok || !tasks.ok) {
  for (const r of [samples, toolCalls, tasks]) if (!r.ok) process.stderr.write(`calibrate: ${r.error.message}\n`);
  process.exit(2);
}
const inRun = (id: string): boolean => id.startsWith(`${args.run}/`);
const real = agentcgroupRealSessions(samples.value, tasks.value).filter((s) => inRun(s.id));
const activities = agentcgroupActivities(toolCalls.value, samples.value, tasks.value).filter((a) => inRun(a.id));
const seed0 = Number(args.seed);
const seeds = Array.from({ length: Math.max(1, Number(args.seeds)) }, (_, i) => seed0 + i);

// The container start (~12 MB -> ~185 MB in the first second) is a burst in every task; the
// "after start-up" rows leave the first 2 samples out so the tool-driven bursts can be compared.
const afterStartup = (xs: readonly TraceSample[]): TraceSample[] => xs.slice(2);
const realFigs = real.map((s) => sessionFigures(s.samples));
const realLate = real.map((s) => sessionFigures(afterStartup(s.samples)));
const synthFigs: SessionFigures[] = [];
const synthLate: SessionFigures[] = [];
const realEx: ToolExcess[] = [];
const synthEx: ToolExcess[] = [];
for (const a of activities) {
  const r = real.find((s) => s.id === a.id);
  if (r) realEx.push(...toolExcesses(a, r.samples));
  for (const seed of seeds) {
    const syn: TraceSample[] = synthesizeSession(a, defaultResourceParams, seed);
    synthFigs.push(sessionFigures(syn));
    synthLate.push(sessionFigures(afterStartup(syn)));
    synthEx.push(...toolExcesses(a, syn));
  }
}

const MB = 1e6;
const fmt = (v: number, digits: number): string => (Number.isNaN(v) ? '-' : v.toFixed(digits));
function row(label: string, r: readonly number[], s: readonly number[], scale = 1, digits = 0): string {
  const q = (xs: readonly number[]): string => `${fmt(quantile(xs, 0.5) / scale, digits)} / ${fmt(quantile(xs, 0.9) / scale, digits)} / ${fmt(xs.length ? Math.max(...xs) / scale : NaN, digits)}`;
  return `${label.padEnd(38)}${q(r).padEnd(28)}${q(s)}`;
}
const pct = (xs: readonly SessionFigures[]): string => `${fmt((100 * xs.filter((f) => f.burstSizes.length > 0).length) / Math.max(1, xs.length), 0)} %`;

const out: string[] = [];
out.push(`AgentCgroup run ${args.run}: ${real.length} tasks (paper filter), ${realEx.length} tool calls; synthetic: seeds ${seeds.join(',')} on the same tool timelines`);
out.push(`${'figure (p50 / p90 / max)'.padEnd(38)}${'real'.padEnd(28)}synthetic`);
out.push(row('peak memory per task (MB)', realFigs.map((f) => f.peakBytes), synthFigs.map((f) => f.peakBytes), MB));
out.push(row('mean memory per task (MB)', realFigs.map((f) => f.meanBytes), synthFigs.map((f) => f.meanBytes), MB));
out.push(row('burst size, >100 MB jumps (MB)', realFigs.flatMap((f) => f.burstSizes), synthFigs.flatMap((f) => f.burstSizes), MB));
out.push(row('bursts per minute per task', realFigs.map((f) => f.burstsPerMinute), synthFigs.map((f) => f.burstsPerMinute), 1, 3));
out.push(row('bursts per task', realFigs.map((f) => f.burstSizes.length), synthFigs.map((f) => f.burstSizes.length), 1, 1));
out.push(row('  after start-up: burst size (MB)', realLate.flatMap((f) => f.burstSizes), synthLate.flatMap((f) => f.burstSizes), MB));
out.push(row('  after start-up: bursts per task', realLate.map((f) => f.burstSizes.length), synthLate.map((f) => f.burstSizes.length), 1, 1));
out.push(`${'  after start-up: tasks with a burst'.padEnd(38)}${pct(realLate).padEnd(28)}${pct(synthLate)}`);
out.push(row('mean CPU per task (cores)', realFigs.map((f) => f.meanCpu), synthFigs.map((f) => f.meanCpu), 1, 3));
out.push(row('peak CPU per task (cores)', realFigs.map((f) => f.peakCpu), synthFigs.map((f) => f.peakCpu), 1, 2));
out.push(`${'tasks with >= 1 burst'.padEnd(38)}${pct(realFigs).padEnd(28)}${pct(synthFigs)}`);
out.push('');
out.push('per tool category: calls, P(excess > 100 MB), excess MB p50/p90/max, peak CPU p50/p90 (real | synthetic)');
const byTool = (xs: readonly ToolExcess[], tool: string): ToolExcess[] => xs.filter((x) => x.tool === tool);
const tools = [...new Set(realEx.map((x) => x.tool))].sort((a, b) => byTool(realEx, b).length - byTool(realEx, a).length);
for (const tool of tools.slice(0, 14)) {
  const part = (xs: ToolExcess[]): string => {
    const ex = xs.map((x) => x.excessBytes / MB);
    const cpu = xs.map((x) => x.peakCpu);
    const p = xs.filter((x) => x.excessBytes > 100 * MB).length / Math.max(1, xs.length);
    return `${fmt(p, 3)}  ${fmt(quantile(ex, 0.5), 0)}/${fmt(quantile(ex, 0.9), 0)}/${fmt(Math.max(...ex), 0)}  ${fmt(quantile(cpu, 0.5), 2)}/${fmt(quantile(cpu, 0.9), 2)}`;
  };
  const r = byTool(realEx, tool);
  out.push(`  ${tool.padEnd(20)}${String(r.length).padStart(4)}  ${part(r).padEnd(32)}| ${part(byTool(synthEx, tool))}`);
}
process.stdout.write(`${out.join('\n')}\n`);
