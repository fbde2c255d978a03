// burstguard tune: budget and grid parsing, the frontier and the choice, the seeded halves, and the CLI
// end to end on a tiny trace: the written ConfigMap is accepted by `bench --config` and by the
// controller's hot reload; --jobs 2 gives the same figures as --jobs 1; bad input exits 2, clearly.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseBudget } from '../../../bench/tune/budget.js';
import { gridPoints, parseGrid } from '../../../bench/tune/grid.js';
import { choose, paretoFrontier, type Score, type Scored } from '../../../bench/tune/pareto.js';
import { splitHalves } from '../../../bench/tune/split.js';
import { benchCommand } from '../../../src/cli/bench-cmd.js';
import { tuneCommand } from '../../../src/cli/tune-cmd.js';
import { loadConfigFile } from '../../../src/config/index.js';
import { ConfigWatcher } from '../../../src/runtime/config-watch.js';
import { capture, tinyTrace } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

const score = (nodeHours: number, per100: number, apiWrites = 0): Score => ({ nodeHours, peakNodes: 1, p95Nodes: 1, liveHours: 1, disruptions: per100, disruptionsPer100PodHours: per100, oomKills: per100, evictions: 0, apiWrites, memSlack: 0, podHours: 100 });
const scored = (pairs: Array<[number, number]>): Scored[] => pairs.map(([n, d], index) => ({ index, point: { k: index }, score: score(n, d) }));

test('budgets: per 100 pod-hours or a count; anything else is named', () => {
  assert.deepEqual(parseBudget('disruptions<=0.5/100podh'), { ok: true, value: { text: 'disruptions<=0.5/100podh', max: 0.5, per100PodHours: true } });
  assert.deepEqual(parseBudget('disruptions <= 3'), { ok: true, value: { text: 'disruptions<=3', max: 3, per100PodHours: false } });
  const bad = parseBudget('ooms<1');
  assert.ok(!bad.ok && /--budget expects 'disruptions<=X\/100podh'.*got 'ooms<1'/.test(bad.error));
});

test('grids: knobs must exist in the ConfigMap schema, values must be a non-empty list', () => {
  const g = parseGrid('riskBudget: [0.001, 0.01]\nengine.guards.downscaleCooldownS: [300]\n', 'g.yaml', 'predictive');
  assert.ok(g.ok);
  assert.deepEqual(gridPoints(g.value), [
    { 'policies.predictive.riskBudget': 0.001, 'engine.guards.downscaleCooldownS': 300 },
    { 'policies.predictive.riskBudget': 0.01, 'engine.guards.downscaleCooldownS': 300 },
  ]);
  const unknown = parseGrid('policies.predictive.riskBugdet: [0.1]', 'g.yaml', 'predictive');
  assert.ok(!unknown.ok && /unknown knob 'policies\.predictive\.riskBugdet'/.test(unknown.error));
  const empty = parseGrid('riskBudget: []', 'g.yaml', 'predictive');
  assert.ok(!empty.ok && /needs a non-empty list of values/.test(empty.error));
  const notMap = parseGrid('[1, 2]', 'g.yaml', 'predictive');
  assert.ok(!notMap.ok && /expected a mapping of knob to a list of values/.test(notMap.error));
});

test('frontier and choice: cheapest within budget; dominated points off the frontier', () => {
  const pts = scored([[3, 0], [2, 1], [2.5, 1], [1, 5], [1, 4]]);
  assert.deepEqual(paretoFrontier(pts), [4, 1, 0]);
  assert.equal(choose(pts, { text: '', max: 1, per100PodHours: true })?.index, 1);
  assert.equal(choose(pts, { text: '', max: 0, per100PodHours: true })?.index, 0);
  assert.equal(choose(pts, { text: '', max: 10, per100PodHours: true })?.index, 4);
  assert.equal(choose(scored([[1, 1]]), { text: '', max: 0.5, per100PodHours: true }), undefined);
});

test('halves: disjoint, covering, equal-sized, fixed by the seed', () => {
  const samples = Array.from({ length: 40 }, (_, i) => ({ session: `s${i % 10}`, t: i, memBytes: 1, cpuCores: 0 }));
  const a = splitHalves(samples, 1);
  const b = splitHalves(samples, 1);
  const c = splitHalves(samples, 2);
  assert.deepEqual(a, b);
  assert.equal(a.tuningSessions, 5);
  assert.equal(a.validationSessions, 5);
  assert.equal(a.tuning.length + a.validation.length, 40);
  const names = (x: typeof a.tuning): Set<string> => new Set(x.map((s) => s.session));
  assert.equal([...names(a.tuning)].filter((n) => names(a.validation).has(n)).length, 0);
  assert.notDeepEqual([...names(a.tuning)].sort(), [...names(c.tuning)].sort());
});

async function tune(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await tuneCommand(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

test('tune writes a ConfigMap that bench --config and the hot reload accept; --jobs 2 equals --jobs 1', async (t) => {
  const dir = tempDir(t);
  const trace = tinyTrace(dir);
  writeFileSync(join(dir, 'grid.yaml'), 'riskBudget: [0.001, 0.01]\nengine.guards.downscaleCooldownS: [300, 900]\n');
  const run = async (jobs: string): Promise<Record<string, unknown>> => {
    const out = join(dir, `cm-${jobs}.yaml`);
    const json = join(dir, `tune-${jobs}.json`);
    const r = await tune(['--trace', trace, '--grid', join(dir, 'grid.yaml'), '--budget', 'disruptions<=100000/100podh', '--jobs', jobs, '--out', out, '--json', json, '--report', join(dir, 't.html')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /tune predictive on tiny: 4 points; tuning half 2 sessions, validation half 2/);
    assert.match(r.out, /validation half, chosen: .* node-h/);
    const rest = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    delete rest['wallSeconds'];
    delete rest['jobs'];
    return rest;
  };
  const one = await run('1');
  const two = await run('2');
  assert.deepEqual(two, one);
  const cm = join(dir, 'cm-1.yaml');
  const text = readFileSync(cm, 'utf8');
  assert.match(text, /^# Written by burstguard tune/);
  assert.match(text, /# Validation half \(2 sessions, not seen by the search\): /);
  const loaded = await loadConfigFile(cm);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
  assert.equal(loaded.value.policy, 'predictive');
  const chosen = (one['points'] as Array<{ point: Record<string, number> }>)[one['chosen'] as number]?.point ?? {};
  assert.equal(loaded.value.policies.predictive.riskBudget, chosen['policies.predictive.riskBudget']);

  const b = capture();
  assert.equal(await benchCommand(['--trace', trace, '--policies', 'predictive', '--config', cm], b.io), 0, b.err());

  const watcher = new ConfigWatcher({ logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, recordEvent: () => undefined, reloads: { inc: () => undefined }, onApply: () => undefined });
  const data = (parse(text) as { data: Record<string, string> }).data;
  assert.equal(watcher.update(data).result, 'applied');
  assert.equal(watcher.current()?.engine.guards.downscaleCooldownS, chosen['engine.guards.downscaleCooldownS']);
  assert.match(readFileSync(join(dir, 't.html'), 'utf8'), /<svg[^]*chosen/);
});

test('bad input: bad grid, unknown knob, impossible budget, bad budget: clear message, exit 2', async (t) => {
  const dir = tempDir(t);
  const trace = tinyTrace(dir);
  const out = join(dir, 'cm.yaml');
  writeFileSync(join(dir, 'bad.yaml'), 'riskBudget: [0.001\n');
  writeFileSync(join(dir, 'unknown.yaml'), 'policies.predictive.riskBugdet: [0.1]\n');
  writeFileSync(join(dir, 'range.yaml'), 'riskBudget: [0.9]\n');
  writeFileSync(join(dir, 'tight.yaml'), "policies.static.requests.memory: ['128Mi']\npolicies.static.limits.memory: ['256Mi']\n");
  const cases: Array<[string[], RegExp]> = [
    [['--grid', join(dir, 'bad.yaml')], /bad\.yaml: not YAML or JSON/],
    [['--grid', join(dir, 'unknown.yaml')], /unknown knob 'policies\.predictive\.riskBugdet': no setting .* in the ConfigMap schema/],
    [['--grid', join(dir, 'range.yaml')], /grid point .*riskBudget.*0\.9.* is not a valid ConfigMap: .*riskBudget.*must be between/],
    [['--grid', join(dir, 'missing.yaml')], /--grid: cannot read .*missing\.yaml: ENOENT/],
    [['--budget', 'few ooms'], /--budget expects/],
    [['--policy', 'static'], /policy 'static' has no default grid/],
    [['--policy', 'static', '--grid', join(dir, 'tight.yaml'), '--budget', 'disruptions<=0'], /impossible budget 'disruptions<=0': no grid point meets it on the tuning half; the least disruptive, .* has \d+\.\d\d disruptions/],
  ];
  for (const [args, re] of cases) {
    const r = await tune(['--trace', trace, '--out', out, '--jobs', '1', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
  }
});
