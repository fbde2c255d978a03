// `npm run bench:replay`: how fast the bench replays, per policy. Prints figures; asserts nothing.
//
// A pod-sample is one trace sample replayed through the simulated cluster and the engine tick (scrape,
// policy, guards, actuation, scoring). The trace is parsed once into memory first, so the figure is
// the replay's own speed; the reader's parse speed is printed on its own line. Each policy replays the
// trace RUNS times after WARMUP untimed runs (the JIT needs several on a trace this small); the median
// is reported, with its ratio to
// `static`, the baseline that does the least work per sample. Rates are per second of this process's
// CPU time (user + system), which is what "on one core" means and what stays meaningful on a shared,
// busy machine; wall-clock seconds are printed beside them.
//
// Usage: npm run bench:replay [-- TRACE.jsonl.gz] [--runs N]
import { performance } from 'node:perf_hooks';
import { benchEngineConfig, policyFactory, simSettingsFor } from '../replay/bench-deps.js';
import { bundledTraceDir, findTraces } from '../replay/bundled-traces.js';
import { inMemoryStream } from '../replay/in-memory-trace.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../replay/replay.js';
import { DEFAULT_POLICIES } from '../replay/options.js';
import { outOfSampleFits } from '../replay/trace-fits.js';
import { defaultConfig } from '../../src/config/index.js';
import { readTrace } from '../../src/trace/reader.js';
import type { TraceSample } from '../../src/trace/types.js';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function fmtRate(perS: number): string {
  return perS >= 1e6 ? `${(perS / 1e6).toFixed(2)} M/s` : `${(perS / 1e3).toFixed(0)} k/s`;
}

function pickTrace(args: readonly string[]): string {
  const named = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (named !== undefined) return named;
  const dir = bundledTraceDir();
  const all = dir === undefined ? [] : findTraces(dir);
  // The trace with the most samples per file name heuristic is not knowable without reading; the
  // largest file is a fair proxy for "the most work".
  const preferred = all.find((p) => p.includes('claude-code-local-model')) ?? all[0];
  if (preferred === undefined) throw new Error('no bundled trace found; pass one: npm run bench:replay -- TRACE');
  return preferred;
}

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1] ?? 9)) : 9;
const WARMUP = 3;
const path = pickTrace(args.filter((_, i) => i !== runsArg + 1 || runsArg < 0));

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Reads the whole trace into memory; the second of two passes is timed (the first warms the JIT). */
async function load(): Promise<{ header: Awaited<ReturnType<typeof readTrace>>['header']; samples: TraceSample[]; cpuS: number }> {
  let out: TraceSample[] = [];
  let cpuS = 0;
  let header;
  for (let pass = 0; pass < 2; pass++) {
    const c0 = cpuSeconds();
    const opened = await readTrace(path);
    header = opened.header;
    out = [];
    for await (const s of opened.samples) out.push(s);
    cpuS = cpuSeconds() - c0;
  }
  if (header === undefined) throw new Error('unreachable');
  return { header, samples: out, cpuS };
}

const { header, samples, cpuS: parseS } = await load();
const opened = { header };

const config = defaultConfig();
const sim = simSettingsFor(DEFAULT_SIM_SETTINGS, config.policies);
const engine = benchEngineConfig(config.engine);
const makePolicy = policyFactory(config.policies, sim, engine);
// The fits `burstguard bench` gives this trace (out-of-sample priors, static-tuned sizes).
const fits = outOfSampleFits({ path, name: header.name, classes: [...new Set(samples.map((s) => s.agentClass ?? 'default'))] });
// The same in-memory stream `burstguard bench` replays from for traces that fit in memory.
const open = (): AsyncIterable<TraceSample> => inMemoryStream(samples);

console.log(`trace ${opened.header.name} (${path}): ${samples.length} samples`);
console.log(`node ${process.version}, ${RUNS} timed runs per policy after ${WARMUP} warm-ups, median`);
console.log(`reader (gunzip + JSON + validation, warm): ${fmtRate(samples.length / parseS)} (${parseS.toFixed(2)} cpu s)`);
console.log('');
console.log(`${'policy'.padEnd(12)}${'pod-samples/s'.padStart(16)}${'vs static'.padStart(11)}${'cpu s'.padStart(9)}${'wall s'.padStart(9)}`);

let staticRate: number | undefined;
for (const name of DEFAULT_POLICIES) {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const policy = makePolicy(name, fits);
    if (!policy.ok) throw new Error(policy.error);
    const c0 = cpuSeconds();
    const w0 = performance.now();
    await replay({ header: opened.header, open, policy: policy.value, sim, engine, seed: 1, warmupS: 0 });
    if (run >= WARMUP) {
      cpu.push(cpuSeconds() - c0);
      wall.push((performance.now() - w0) / 1000);
    }
  }
  const med = median(cpu);
  const rate = samples.length / med;
  if (name === 'static') staticRate = rate;
  const ratio = staticRate !== undefined ? `${(rate / staticRate).toFixed(2)}x` : '-';
  console.log(`${name.padEnd(12)}${fmtRate(rate).padStart(16)}${ratio.padStart(11)}${med.toFixed(3).padStart(9)}${median(wall).toFixed(3).padStart(9)}`);
}
