import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildSynthTrace, STEP_SOURCES, type StepSource } from '../../bench/record/importers/build-trace.js';
import { defaultDataDir } from '../../bench/record/importers/data-dir.js';
import { commandLine, writeBuilt } from '../../bench/record/importers/run-build.js';
import { mergeParams } from '../../bench/record/synth/params-file.js';
import { defaultResourceParams, type ResourceModelParams } from '../../bench/record/synth/resource-model.js';
import type { CliIo } from './io.js';

const help = `Usage: burstguard trace synth --steps SOURCE --out FILE [options]

Seeded synthetic resource model (bench/record/synth/resource-model.ts, docs/traces.md): takes the agent
steps of SOURCE (real timestamps, context tokens, tools in flight, retries, errors) and generates
memory and CPU per second: baseline, per-tool-category bursts calibrated on the AgentCgroup series,
retry loops holding memory, CPU during tools, and a context-linked memory term when the model runs
in the pod. Sessions are placed by real arrival times (Azure LLM trace 2023, CC-BY-4.0).

Options:
  --steps SOURCE                 ${STEP_SOURCES.join(' | ')}                        required
  --out FILE                     output (.jsonl, or .jsonl.gz for gzip)            required
  --data DIR                     shared data directory (default ../shared/data from the repository root)
  --seed N                       seed for every random draw (default 1); same seed, same bytes
  --sessions N                   at most N source sessions, a seeded choice (default 100)
  --replicas N                   generate each chosen session N times, independent draws (default 1)
  --concurrency N                mean sessions running at once (default 15)
  --model-in-pod                 the model (or its KV/prompt cache) runs in the pod: context costs memory
  --context-bytes-per-token N    bytes per context token when in the pod (default ${defaultResourceParams.contextBytesPerToken})
  --params FILE.json             override model parameters (keys of ResourceModelParams; "tools" merges per tool)
  --name NAME                    trace name (default SOURCE-synth)
  --agent-class NAME             agentClass for the sessions (default per source)
`;

function positiveInt(v: string | undefined, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

const options = {
  steps: { type: 'string' },
  out: { type: 'string' },
  data: { type: 'string' },
  seed: { type: 'string' },
  sessions: { type: 'string' },
  replicas: { type: 'string' },
  concurrency: { type: 'string' },
  'model-in-pod': { type: 'boolean' },
  'context-bytes-per-token': { type: 'string' },
  params: { type: 'string' },
  name: { type: 'string' },
  'agent-class': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function loadParams(path: string | undefined, inPod: boolean, bytesPerToken: string | undefined): Promise<ResourceModelParams | string> {
  let params = defaultResourceParams;
  if (path !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e: unknown) {
      return `${path}: ${e instanceof Error ? e.message : String(e)}`;
    }
    const merged = mergeParams(params, json);
    if (!merged.ok) return `${path}: ${merged.error.message}`;
    params = merged.value;
  }
  if (inPod) params = { ...params, modelInPod: true };
  if (bytesPerToken !== undefined) {
    const n = Number(bytesPerToken);
    if (!Number.isFinite(n) || n < 0) return '--context-bytes-per-token must be a number >= 0';
    params = { ...params, contextBytesPerToken: n };
  }
  return params;
}

/** `burstguard trace synth --steps SOURCE --out FILE ...` (see help). */
export async function traceSynthCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let v;
  try {
    v = parseArgs({ args: [...argv], options }).values;
  } catch (e: unknown) {
    io.stderr.write(`burstguard trace synth: ${e instanceof Error ? e.message : String(e)}\n\n${help}`);
    return 2;
  }
  if (v.help === true) {
    io.stdout.write(help);
    return 0;
  }
  const source = v.steps as StepSource | undefined;
  const seed = positiveInt(v.seed, 1);
  const sessions = positiveInt(v.sessions, 100);
  const replicas = positiveInt(v.replicas, 1);
  const concurrency = positiveInt(v.concurrency, 15);
  if (source === undefined || !(STEP_SOURCES as readonly string[]).includes(source) || v.out === undefined || seed === undefined || sessions === undefined || replicas === undefined || concurrency === undefined) {
    io.stderr.write(`burstguard trace synth: need --steps (${STEP_SOURCES.join('|')}), --out FILE, and positive integer --seed/--sessions/--replicas/--concurrency\n\n${help}`);
    return 2;
  }
  const params = await loadParams(v.params, v['model-in-pod'] === true, v['context-bytes-per-token']);
  if (typeof params === 'string') {
    io.stderr.write(`burstguard trace synth: ${params}\n`);
    return 2;
  }
  const built = await buildSynthTrace(source, {
    dataDir: v.data ?? defaultDataDir(),
    seed,
    sessions,
    replicas,
    concurrency,
    params,
    name: v.name ?? `${source}-synth`,
    generatedBy: commandLine('trace synth', argv),
    ...(v['agent-class'] !== undefined ? { agentClass: v['agent-class'] } : {}),
  });
  return writeBuilt(built, v.out, io);
}
