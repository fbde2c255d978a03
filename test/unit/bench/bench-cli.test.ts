import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { benchCommand, runBenchCommand } from '../../../src/cli/bench-cmd.js';
import type { BenchResult } from '../../../bench/score/result-types.js';
import { capture, tinyTrace } from './cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FAST = ['--policies', 'static,predictive,oracle'];

/** The JSON with the one field allowed to differ between runs of a seed removed. */
function withoutTimings(json: string): string {
  const v = JSON.parse(json) as BenchResult[];
  for (const r of v) for (const p of r.policies) delete (p as { replaySeconds?: number }).replaySeconds;
  return JSON.stringify(v);
}

describe('burstguard bench: bad input exits 2 with a clear message', () => {
  const trace = tinyTrace({ after });
  const cases: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
    ['unknown flag', ['--trace', trace, '--frobnicate'], /Unknown option '--frobnicate'/],
    ['stray argument', ['--trace', trace, 'extra'], /extra/],
    ['negative seed', ['--trace', trace, '--seed=-1'], /--seed expects a whole number >= 0/],
    ['non-numeric seed', ['--trace', trace, '--seed', 'abc'], /--seed expects/],
    ['fractional seed', ['--trace', trace, '--seed', '1.5'], /--seed expects a whole number/],
    ['bad warm-up', ['--trace', trace, '--warmup', 'soon'], /--warmup expects a number/],
    ['unknown policy', ['--trace', trace, '--policies', 'static,magic'], /unknown policy 'magic' \(known: .*predictive.*oracle/],
    ['empty policy list', ['--trace', trace, '--policies', ','], /--policies expects/],
    ['repeated policy', ['--trace', trace, '--policies', 'vpa,vpa'], /names 'vpa' twice/],
    ['unknown scenario', ['--trace', trace, '--scenario', 'chaos'], /--scenario expects resize or replicas/],
    ['missing value', ['--trace'], /argument missing|--trace/],
    ['report to stdout', ['--trace', trace, '--report', '-'], /--report expects a file name/],
  ];
  for (const [name, argv, says] of cases) {
    it(name, async () => {
      const c = capture();
      assert.equal(await benchCommand(argv, c.io), 2);
      assert.match(c.err(), says);
      assert.equal(c.out(), '');
    });
  }

  it('a missing trace file names the file', async () => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', '/nonexistent/t.jsonl'], c.io), 2);
    assert.match(c.err(), /\/nonexistent\/t\.jsonl:1: file: cannot read/);
  });

  it('a malformed trace names file, line and field before any replay', async (t) => {
    const dir = tempDir(t);
    const good = readFileSync(tinyTrace(dir), 'utf8').split('\n');
    good[3] = good[3]!.replace(/"cpuCores":[0-9.]+/, '"cpuCores":-2');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, good.join('\n'));
    const c = capture();
    assert.equal(await benchCommand(['--trace', bad], c.io), 2);
    assert.match(c.err(), new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: cpuCores: must be >= 0`));
  });

  it('an invalid config file exits 2', async (t) => {
    const cfg = join(tempDir(t), 'bad.yaml');
    writeFileSync(cfg, 'policies:\n  predictive: [1, 2]\nnotAKey: 3\n');
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), '--config', cfg], c.io), 2);
    assert.match(c.err(), /config: .*bad\.yaml/);
  });
});

describe('burstguard bench: output', () => {
  it('--json - prints only parseable JSON on stdout, the table on stderr', async (t) => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), ...FAST, '--json', '-'], c.io), 0);
    const all = JSON.parse(c.out()) as BenchResult[];
    assert.equal(all.length, 1, 'one trace still gives an array');
    const r = all[0]!;
    assert.equal(r.schemaVersion, 2);
    assert.equal(r.settings.seed, 1);
    assert.match(r.priors['default'] ?? '', /fitted on all bundled traces .*this trace is not among them/, 'a user trace gets the priors fitted on every bundled trace');
    assert.equal(r.scenario, 'resize');
    assert.equal(r.trace.name, 'tiny');
    assert.equal(r.trace.sessions, 4);
    assert.deepEqual(r.policies.map((p) => p.policy), ['static', 'predictive', 'oracle']);
    assert.deepEqual(r.settings.nodeShape, { cpuCores: 3.9, memBytes: 14 * 1024 ** 3 });
    assert.equal(typeof r.floorNodeHours, 'number');
    for (const field of ['disruptions', 'disruptionsPer100PodHours', 'nodeOomKills', 'unreservedGiBHours', 'overRequestShare', 'apiWrites', 'apiWritesPerPodHour', 'oomKills', 'evictions', 'sessionsFailed', 'lostWorkSeconds', 'memSlack', 'cpuSlack', 'cpuThrottledCoreSeconds', 'memRequestedGiBHours', 'memUsedGiBHours', 'cpuRequestedCoreHours', 'resizes', 'resizesDeferred', 'resizesInfeasible', 'peakNodes', 'nodeHours', 'replaySeconds']) {
      assert.equal(typeof (r.policies[0] as Record<string, unknown>)[field], 'number', field);
    }
    assert.ok(r.gapToOracle !== undefined);
    assert.match(c.err(), /policy +node-h +×floor +disrupt/);
  });

  it('prints the side-by-side table with the oracle gap on stdout by default', async (t) => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), ...FAST], c.io), 0);
    assert.match(c.out(), /^tiny: 4 sessions, \d+ samples/);
    assert.match(c.out(), /\nstatic +\d+/);
    assert.match(c.out(), /\n(winner at zero disruptions|no policy without disruptions)/);
    assert.match(c.out(), /gap predictive - oracle: node-hours/);
  });

  it('the same seed gives byte-identical JSON apart from replaySeconds', async (t) => {
    const trace = tinyTrace(t);
    const runs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = capture();
      assert.equal(await benchCommand(['--trace', trace, '--seed', '7', '--json', '-'], c.io), 0);
      runs.push(withoutTimings(c.out()));
    }
    assert.equal(runs[0], runs[1]);
  });

  it('several traces give an array, written to --json FILE', async (t) => {
    const dir = tempDir(t);
    const a = tinyTrace(dir);
    const out = join(dir, 'r.json');
    const c = capture();
    assert.equal(await benchCommand(['--trace', a, '--trace', a, '--policies', 'static', '--json', out], c.io), 0);
    const v = JSON.parse(readFileSync(out, 'utf8')) as BenchResult[];
    assert.ok(Array.isArray(v));
    assert.equal(v.length, 2);
  });

  it('a folder given to --trace stands for every trace under it', async (t) => {
    const dir = tempDir(t);
    tinyTrace(dir);
    const c = capture();
    assert.equal(await benchCommand(['--trace', dir, '--policies', 'static', '--json', '-'], c.io), 0);
    assert.equal((JSON.parse(c.out()) as BenchResult[])[0]!.trace.name, 'tiny');
    const empty = capture();
    assert.equal(await benchCommand(['--trace', tempDir(t)], empty.io), 2);
    assert.match(empty.err(), /no \*\.jsonl or \*\.jsonl\.gz trace under/);
  });

  it('--report writes one self-contained HTML file with SVG charts', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'r.html');
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(dir), ...FAST, '--report', out], c.io), 0);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.ok((html.match(/<svg /g) ?? []).length >= 10, 'charts');
    assert.doesNotMatch(html, /<script|<link |src="http|href="http/);
    assert.match(html, /session task-\d/);
    assert.match(html, /class="(oom|evicted)"/);
    assert.match(c.err(), /report written to/);
  });

  it('with several traces the report opens with an overview grid linking to each', async (t) => {
    const dir = tempDir(t);
    const trace = tinyTrace(dir);
    const out = join(dir, 'r.html');
    assert.equal(await benchCommand(['--trace', trace, '--trace', trace, '--policies', 'static,predictive', '--report', out], capture().io), 0);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<table class="overview">.*href="#trace-1"/s);
    assert.match(html, /<section id="trace-1">/);
  });

  it('draws a progress bar on stderr only when it is a terminal', async (t) => {
    const trace = tinyTrace(t);
    const tty = capture(true);
    assert.equal(await benchCommand(['--trace', trace, '--policies', 'static', '--json', '-'], tty.io), 0);
    assert.ok(tty.err().includes('\r\u001b[K['), 'redraws in place');
    assert.match(tty.err(), /\[[#.]+\] +\d+% tiny: static/);
    const pipe = capture(false);
    assert.equal(await benchCommand(['--trace', trace, '--policies', 'static', '--json', '-'], pipe.io), 0);
    assert.doesNotMatch(pipe.err(), /\r/);
  });

  it('a replay that fails exits 1 with its message; an unwritable output is bad input (2), found before the replay', async (t) => {
    const c = capture();
    const broken = (): Promise<never> => Promise.reject(new Error('simulator exploded'));
    assert.equal(await runBenchCommand(['--trace', tinyTrace(t), '--policies', 'static'], c.io, broken), 1);
    assert.match(c.err(), /replay failed: .*simulator exploded/);
    const w = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), '--policies', 'static', '--json', '/nonexistent/dir/r.json'], w.io), 2);
    assert.match(w.err(), /--json \/nonexistent\/dir\/r\.json: cannot be written/);
  });

  it('--help prints the usage and exits 0', async () => {
    const c = capture();
    assert.equal(await benchCommand(['--help'], c.io), 0);
    assert.match(c.out(), /usage: burstguard bench/);
  });

  it('the real process: `bench --json -` writes nothing but JSON to stdout', (t) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'bench', '--trace', tinyTrace(t), '--policies', 'static', '--json', '-'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout) as BenchResult[];
    assert.equal(v[0]!.policies.length, 1);
  });

  it('the real process exits 2 on a bad flag', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'bench', '--seed', 'x'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--seed expects/);
  });
});
