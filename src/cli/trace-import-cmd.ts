import { parseArgs } from 'node:util';
import { buildAgentcgroupTrace, buildSynthTrace, STEP_SOURCES, importParams, type ImportSource } from '../../bench/record/importers/build-trace.js';
import { defaultDataDir } from '../../bench/record/importers/data-dir.js';
import { commandLine, writeBuilt } from '../../bench/record/importers/run-build.js';
import type { CliIo } from './io.js';

const help = `Usage: burstguard trace import SOURCE --out FILE [options]

Turns public agent data (../shared/data beside the repository) into a trace v1 file.
SOURCE is one of:
  mini-swe-agent   mini-swe-agent x Gemini 3 Pro steps (timestamps, context tokens, commands)
  swe-agent        SWE-agent trajectories (tool execution times, error hints)
  claude-code      Claude Code sessions (tool timings and errors, context with compaction)
  tau2             tau2-bench conversations (API-style agents), chained into pod sessions
  agentcgroup      AgentCgroup real container series (measured memory and CPU; GPL-2.0 data)
For all but agentcgroup, memory and CPU come from the synthetic resource model with its calibrated
defaults and the model outside the pod (use 'burstguard trace synth' for other settings). Sessions
are placed on one timeline by real arrival times (Azure LLM trace 2023, CC-BY-4.0).

Options:
  --out FILE           output (.jsonl, or .jsonl.gz for gzip)        required
  --data DIR           shared data directory (default ../shared/data from the repository root)
  --seed N             seed for every random choice (default 1)
  --sessions N         at most N sessions, a seeded choice (default 100)
  --concurrency N      mean sessions running at once (default 15)
  --name NAME          trace name in the header (default SOURCE)
  --agent-class NAME   agentClass for the sessions (default per source)
`;

function positiveInt(v: string | undefined, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** `burstguard trace import SOURCE --out FILE ...` (see help). */
export async function traceImportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' }, sessions: { type: 'string' }, concurrency: { type: 'string' }, name: { type: 'string' }, 'agent-class': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e: unknown) {
    io.stderr.write(`burstguard trace import: ${e instanceof Error ? e.message : String(e)}\n\n${help}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help === true) {
    io.stdout.write(help);
    return 0;
  }
  const source = positionals[0] as ImportSource | undefined;
  const known = [...STEP_SOURCES, 'agentcgroup'] as readonly string[];
  const seed = positiveInt(v.seed, 1);
  const sessions = positiveInt(v.sessions, 100);
  const concurrency = positiveInt(v.concurrency, 15);
  if (source === undefined || !known.includes(source) || positionals.length > 1 || v.out === undefined || seed === undefined || sessions === undefined || concurrency === undefined) {
    io.stderr.write(`burstguard trace import: need one SOURCE (${known.join('|')}), --out FILE, and positive integer --seed/--sessions/--concurrency\n\n${help}`);
    return 2;
  }
  const options = {
    dataDir: v.data ?? defaultDataDir(),
    seed,
    sessions,
    concurrency,
    params: importParams(),
    name: v.name ?? source,
    generatedBy: commandLine('trace import', argv),
    ...(v['agent-class'] !== undefined ? { agentClass: v['agent-class'] } : {}),
  };
  const built = source === 'agentcgroup' ? await buildAgentcgroupTrace(options) : await buildSynthTrace(source, options);
  return writeBuilt(built, v.out, io);
}
