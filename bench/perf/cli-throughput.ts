// `npm run bench:cli`: how fast `burstguard bench` runs as users run it, end to end. Prints figures;
// asserts nothing.
//
// Each policy gets one fresh process of the built CLI (`node dist/src/cli/main.js bench`) on a large
// trace made with `--scale` from a bundled one (default: claude-code-local-model × 120, about 5.4 M
// samples), so process start, parsing, reshaping, the floor pass, the replay and the JSON all count.
// The rate is trace samples per second of the child's CPU time (user + system, from the shell's
// `time`), which is "one core" and stays meaningful on a busy shared machine; per wall second beside it.
//
// Usage: npm run bench:cli [-- --scale F] [--trace PATH] [--policies static,predictive]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bundledTraceDir, findTraces } from '../replay/bundled-traces.js';

const { values } = parseArgs({ options: { scale: { type: 'string' }, trace: { type: 'string' }, policies: { type: 'string' } } });
const scale = values.scale ?? '120';
const dir = bundledTraceDir();
const trace = values.trace ?? (dir === undefined ? undefined : findTraces(dir).find((p) => p.includes('claude-code-local-model')));
if (trace === undefined) throw new Error('no trace: name one with --trace PATH');
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function rate(perS: number): string {
  return perS >= 1e6 ? `${(perS / 1e6).toFixed(2)} M/s` : `${(perS / 1e3).toFixed(0)} k/s`;
}

console.log(`burstguard bench, end to end: ${trace} --scale ${scale} (one process per policy)`);
for (const policy of (values.policies ?? 'static,predictive').split(',')) {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-cli-')), 'result.json');
  // bash's `time` reports the child's CPU time on the shell's own stderr, apart from the CLI's output.
  const cmd = `TIMEFORMAT='%U %S %R'; time ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} bench --trace ${JSON.stringify(trace)} --scale ${scale} --policies ${policy} --json ${JSON.stringify(out)} >/dev/null 2>&1`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  const timing = r.stderr.trim().split(/\s+/).map(Number);
  const [user, sys, wall] = [timing[0] ?? NaN, timing[1] ?? NaN, timing[2] ?? NaN];
  // The folder goes also when the run wrote no JSON (a failed bench), which JSON.parse then reports.
  let result: { trace: { samples: number } } | undefined;
  try {
    result = (JSON.parse(readFileSync(out, 'utf8')) as Array<{ trace: { samples: number } }>)[0];
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
  const samples = result?.trace.samples ?? 0;
  console.log(
    `${policy.padEnd(12)} ${samples} samples  ${(user + sys).toFixed(2)} CPU s  ${rate(samples / (user + sys))} per CPU second  ` +
      `(${wall.toFixed(1)} s wall, ${rate(samples / wall)})`,
  );
}
