import { parseArgs } from 'node:util';
import { buildLogTrace } from '../../bench/record/importers/build-log-trace.js';
import { buildAgentcgroupTrace, buildSynthTrace, SOURCE_INFO, STEP_SOURCES, importParams, type ImportSource } from '../../bench/record/importers/build-trace.js';
import { missingDataMessage } from '../../bench/record/importers/data-check.js';
import { defaultDataDir } from '../../bench/record/importers/data-dir.js';
import { commandLine, writeBuilt } from '../../bench/record/importers/run-build.js';
import type { CliIo } from './io.js';

const help = `Usage: burstguard trace import SOURCE --out FILE [options]
       burstguard trace import claude-code|otel --logs PATH --out FILE [options]

With --logs, turns your own agents' logs into a trace v1 file:
  claude-code      Claude Code session files (~/.claude/projects/<project>/*.jsonl; a folder is searched)
  otel             OpenTelemetry GenAI spans as OTLP JSON (execute_tool spans, model-call token usage)
Tool calls, their times and errors, and the context size come from the logs; memory and CPU, which
logs do not carry, from the synthetic resource model (the trace header says so). Sessions keep their
real start times.

Without --logs, turns public agent data (../shared/data beside the repository checkout) into a trace.
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
  --logs PATH          your own logs (file or folder; repeatable): claude-code or otel
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
      options: { out: { type: 'string' }, logs: { type: 'string', multiple: true }, data: { type: 'string' }, seed: { type: 'string' }, sessions: { type: 'string' }, concurrency: { type: 'string' }, name: { type: 'string' }, 'agent-class': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  if (v.logs !== undefined) return importLogs(positionals, v, argv, io);
  const source = positionals[0] as ImportSource | undefined;
  const known = [...STEP_SOURCES, 'agentcgroup'] as readonly string[];
  const seed = positiveInt(v.seed, 1);
  const sessions = positiveInt(v.sessions, 100);
  const concurrency = positiveInt(v.concurrency, 15);
  if (source === undefined || !known.includes(source) || positionals.length > 1 || v.out === undefined || seed === undefined || sessions === undefined || concurrency === undefined) {
    io.stderr.write(`burstguard trace import: need one SOURCE (${known.join('|')}), --out FILE, and positive integer --seed/--sessions/--concurrency\n\n${help}`);
    return 2;
  }
  const dataDir = v.data ?? defaultDataDir();
  const missing = missingDataMessage(source, dataDir, SOURCE_INFO[source].origin);
  if (missing !== undefined) {
    io.stderr.write(`burstguard: ${missing}\n`);
    return 2;
  }
  const options = {
    dataDir,
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

/** `trace import claude-code|otel --logs PATH ...`: the user's own logs. */
async function importLogs(positionals: readonly string[], v: { out?: string | undefined; logs?: string[] | undefined; seed?: string | undefined; sessions?: string | undefined; name?: string | undefined; 'agent-class'?: string | undefined }, argv: readonly string[], io: CliIo): Promise<number> {
  const source = positionals[0];
  const seed = positiveInt(v.seed, 1);
  const sessions = v.sessions === undefined ? undefined : positiveInt(v.sessions, 1);
  if ((source !== 'claude-code' && source !== 'otel') || positionals.length > 1 || v.out === undefined || seed === undefined || (v.sessions !== undefined && sessions === undefined)) {
    io.stderr.write(`burstguard trace import: --logs reads claude-code or otel logs: need one of those SOURCEs, --out FILE, and positive integer --seed/--sessions\n\n${help}`);
    return 2;
  }
  const built = await buildLogTrace(source, {
    paths: v.logs ?? [],
    seed,
    ...(sessions !== undefined ? { sessions } : {}),
    params: importParams(),
    name: v.name ?? `${source}-logs`,
    generatedBy: commandLine('trace import', argv),
    ...(v['agent-class'] !== undefined ? { agentClass: v['agent-class'] } : {}),
  });
  return writeBuilt(built, v.out, io);
}
