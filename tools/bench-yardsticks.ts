/**
 * The issue-7 scoreboard in one command: runs `burstguard bench` (seed 1) at each yardstick and prints one
 * markdown table of predictive against the targets, per trace and yardstick (bench-summary.ts
 * judges; this only runs and lays out). The yardsticks:
 *
 *   default    the bench's default node (CPU-bound on every bundled trace)
 *   dense      --node-shape 4x8Gi --scale 4 (CPU fills the nodes first on three traces)
 *   dense-cv   the same, out of sample (--cv 5)
 *   dense-cv20 --node-shape 4x8Gi --scale 20 --cv 5 (each held-out fold as dense as `dense`)
 *   mem-cv     --node-shape 16x14Gi --scale 4 --cv 5 (memory-bound and out of sample: the issue's own)
 *   mem-cv20   --node-shape 16x14Gi --scale 20 --cv 5
 *
 *   node --import tsx tools/bench-yardsticks.ts [--out DIR] [--only mem-cv,mem-cv20] [--policies predictive --baselines DIR]
 *   node --import tsx tools/bench-yardsticks.ts --from DIR     # lay out an earlier run's DIR/NAME.json again, no bench
 *
 * `--out DIR` keeps each yardstick's JSON as DIR/NAME.json (default: a temp folder, printed). With
 * `--policies predictive`, `--baselines DIR` judges the new predictive rows against the baseline rows of an
 * earlier all-policy run's DIR/NAME.json (the baselines do not change with predictive's code).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarise, TARGETS, unreachableVsBaseline, type TraceSummary } from './bench-summary.js';

const YARDSTICKS: Readonly<Record<string, readonly string[]>> = {
  default: [],
  dense: ['--node-shape', '4x8Gi', '--scale', '4'],
  'dense-cv': ['--node-shape', '4x8Gi', '--scale', '4', '--cv', '5'],
  'dense-cv20': ['--node-shape', '4x8Gi', '--scale', '20', '--cv', '5'],
  'mem-cv': ['--node-shape', '16x14Gi', '--scale', '4', '--cv', '5'],
  'mem-cv20': ['--node-shape', '16x14Gi', '--scale', '20', '--cv', '5'],
};

type Results = Parameters<typeof summarise>[0];

const { values } = parseArgs({
  options: { out: { type: 'string' }, from: { type: 'string' }, only: { type: 'string' }, policies: { type: 'string' }, baselines: { type: 'string' } },
});
const names = values.only?.split(',') ?? Object.keys(YARDSTICKS);
for (const n of names) if (!(n in YARDSTICKS)) throw new Error(`--only: '${n}' is not a yardstick (${Object.keys(YARDSTICKS).join(', ')})`);
const out = values.from ?? values.out ?? mkdtempSync(join(tmpdir(), 'burstguard-yardsticks-'));
mkdirSync(out, { recursive: true });
const cli = new URL('../src/cli/main.ts', import.meta.url).pathname;

const f = (x: number, d = 2): string => x.toFixed(d);
const lines = [
  '| trace | yardstick | floor | best baseline (node-h / disr) | best baseline ≤ 0.5 disr | predictive: node-h / ×floor / disr / writes | / best | targets missed |',
  '|---|---|--:|---|---|---|--:|---|',
];
const rows: string[][] = [];
for (const name of names) {
  const file = join(out, `${name}.json`);
  if (values.from === undefined) runBench(name, file);
  const fresh = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const base = values.baselines !== undefined ? join(values.baselines, `${name}.json`) : undefined;
  if (base !== undefined && !existsSync(base)) throw new Error(`--baselines: ${base} does not exist`);
  const results = base !== undefined ? withBaselines(fresh, JSON.parse(readFileSync(base, 'utf8')) as Results) : fresh;
  summarise(results).forEach((s, i) => (rows[i] ??= []).push(row(s, name)));
}
// Grouped by trace, yardsticks in the order run.
for (const r of rows) lines.push(...r);
process.stdout.write(`${lines.join('\n')}\n\nJSON: ${out}\n`);

function runBench(name: string, file: string): void {
  const args = ['--import', 'tsx', cli, 'bench', '--seed', '1', ...(YARDSTICKS[name] ?? []), '--json', file, ...(values.policies ? ['--policies', values.policies] : [])];
  process.stderr.write(`${name}: node ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`${name}: bench exited with ${run.status ?? run.signal}`);
}

/** The fresh predictive rows (and any other fresh rows) beside the earlier run's rows of the other policies. */
function withBaselines(fresh: Results, earlier: Results): Results {
  return fresh.map((t) => {
    const e = earlier.find((x) => x.trace.name === t.trace.name);
    if (!e) return t;
    const mine = new Set(t.policies.map((p) => p.policy));
    return { ...t, policies: [...e.policies.filter((p) => !mine.has(p.policy)), ...t.policies] };
  });
}

function row(s: TraceSummary, name: string): string {
  const p = s.predictive;
  const cell = (r: TraceSummary['best']): string => (r ? `${r.policy} ${f(r.nodeHours)} / ${f(r.disruptionsPer100PodHours, 1)}` : 'none');
  if (!p) return `| ${s.trace} | ${name} | ${f(s.floor)} | ${cell(s.best)} | ${cell(s.bestSafe)} | — | — | — |`;
  const missed: string[] = [];
  const ratio = s.best ? p.nodeHours / s.best.nodeHours : NaN;
  if (s.best && ratio > TARGETS.vsBaseline) missed.push(unreachableVsBaseline(s.best.nodeHours, s.floor) ? '0.75× best (unreachable)' : '0.75× best');
  if (p.nodeHours / s.floor > TARGETS.vsFloor) missed.push('1.3× floor');
  if (p.apiWritesPerPodHour > TARGETS.writesPerPodHour) missed.push('writes');
  if (p.disruptionsPer100PodHours > TARGETS.disruptionsPer100 || (s.best && p.disruptionsPer100PodHours > s.best.disruptionsPer100PodHours)) missed.push('disruptions');
  const pred = `${f(p.nodeHours)} / ${f(p.nodeHours / s.floor)}× / ${f(p.disruptionsPer100PodHours, 1)} / ${f(p.apiWritesPerPodHour, 1)}`;
  return `| ${s.trace} | ${name} | ${f(s.floor)} | ${cell(s.best)} | ${cell(s.bestSafe)} | ${pred} | ${f(ratio)} | ${missed.join(', ') || 'none'} |`;
}
