/**
 * From public data to a trace v1: load a source's activity (or, for AgentCgroup, its real series),
 * synthesize memory and CPU with the resource model, place the sessions on one timeline by real
 * arrival times, and merge them sorted by t. Shared by `burstguard trace import` and `trace synth`.
 */
import { join } from 'node:path';
import { createRng, type Rng } from '../../../src/core/rng.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import type { TraceHeader, TraceSample } from '../../../src/trace/types.js';
import type { SessionActivity } from '../synth/activity.js';
import { defaultResourceParams, synthesizeSession, type ResourceModelParams } from '../synth/resource-model.js';
import { agentcgroupRealSessions } from './agentcgroup.js';
import { AZURE_ARRIVALS_CITATION, loadAzureArrivals, mergeSessions, placeSessions, type RelativeSession } from './arrivals.js';
import { claudeCodeActivities } from './claude-code.js';
import { pickSeeded } from './common.js';
import { readCsv, type CsvRow } from './csv.js';
import { miniSweAgentActivities } from './mini-swe-agent.js';
import { sweAgentActivities } from './swe-agent.js';
import { tau2Activities } from './tau2.js';

export const STEP_SOURCES = ['mini-swe-agent', 'swe-agent', 'claude-code', 'tau2'] as const;
export type StepSource = (typeof STEP_SOURCES)[number];
export type ImportSource = StepSource | 'agentcgroup';

/** Where each source's data came from and under what licence (see ../shared/data/<dir>/README.md). */
export const SOURCE_INFO: Record<ImportSource, { dir: string; origin: string; license: string }> = {
  'mini-swe-agent': { dir: 'mini-swe-agent-gemini3pro', origin: 'mini-swe-agent x Gemini 3 Pro on SWE-bench Verified, github.com/gruckion/mini-swe-agent d12a71a swebench_results/20251118_gemini-3-pro-74pct (steps: timestamps, context tokens, commands, return codes)', license: 'MIT' },
  'swe-agent': { dir: 'swe-agent-trajs', origin: 'SWE-agent 1.x trajectories on SWE-bench Verified, github.com/lgetter/swe-agent-trajectory-analysis b63a1fe (tool execution times, error hints; attribution SWE-agent / SWE-bench)', license: 'MIT (upstream SWE-agent; trajectories: research use with attribution)' },
  'claude-code': { dir: 'claude-code-sessions', origin: 'Claude Code CLI session transcripts, github.com/marot/spotter 8cc42b0 test/fixtures/transcripts (model calls with context size incl. compaction, tool timings and errors)', license: 'MIT' },
  tau2: { dir: 'tau2-bench', origin: 'tau2-bench simulations, github.com/sierra-research/tau2-bench a2c0247 (timestamps, agent context tokens, tool calls and errors)', license: 'MIT' },
  agentcgroup: { dir: 'agentcgroup', origin: 'AgentCgroup real container series (Claude Code + Haiku on SWE-rebench, podman stats ~1 s), github.com/yunwei37/agentcgroup 5af9e7b8; arXiv 2602.09345', license: 'GPL-2.0' },
};

export interface BuildOptions {
  readonly dataDir: string;
  readonly seed: number;
  /** At most this many sessions (a seeded choice). */
  readonly sessions: number;
  /** Mean sessions alive at once. */
  readonly concurrency: number;
  readonly params: ResourceModelParams;
  readonly name: string;
  readonly generatedBy: string;
  readonly agentClass?: string;
  /** Each chosen session is generated this many times with independent resource draws (default 1). */
  readonly replicas?: number;
}

async function rows(path: string): Promise<Result<CsvRow[]>> {
  return readCsv(path);
}

/** Loads one step source's activities (every session, before any choice). */
export async function loadActivities(source: StepSource, dataDir: string, rng: Rng, agentClass?: string): Promise<Result<SessionActivity[]>> {
  const dir = join(dataDir, SOURCE_INFO[source].dir);
  const cls = agentClass !== undefined ? { agentClass } : {};
  switch (source) {
    case 'mini-swe-agent': {
      const r = await rows(join(dir, 'steps.csv.gz'));
      return r.ok ? ok(miniSweAgentActivities(r.value, agentClass)) : r;
    }
    case 'swe-agent': {
      const r = await rows(join(dir, 'steps.csv.gz'));
      return r.ok ? ok(sweAgentActivities(r.value, agentClass)) : r;
    }
    case 'claude-code': {
      const [a, t] = await Promise.all([rows(join(dir, 'api_calls.csv')), rows(join(dir, 'tool_calls.csv'))]);
      if (!a.ok) return a;
      if (!t.ok) return t;
      return ok(claudeCodeActivities(a.value, t.value, cls));
    }
    case 'tau2': {
      const r = await rows(join(dir, 'messages.csv.gz'));
      return r.ok ? ok(tau2Activities(r.value, rng, cls)) : r;
    }
  }
}

/** A built trace, ready for the writer. */
export interface BuiltTrace {
  readonly header: TraceHeader;
  readonly samples: TraceSample[];
  readonly sessions: number;
}

function header(source: ImportSource, o: BuildOptions, memoryNote: string, sessions: number): TraceHeader {
  const info = SOURCE_INFO[source];
  return {
    format: 'burstguard-trace',
    version: 1,
    name: o.name,
    source: `${info.origin}; ${memoryNote}; ${AZURE_ARRIVALS_CITATION}, time-scaled to ~${o.concurrency} concurrent sessions`,
    license: `${info.license} (data); arrivals CC-BY-4.0`,
    intervalSeconds: 1,
    generatedBy: o.generatedBy,
    seed: o.seed,
    sessions,
  };
}

async function place(sessions: RelativeSession[], durations: number[], o: BuildOptions, rng: Rng): Promise<Result<TraceSample[]>> {
  const arrivals = await loadAzureArrivals(o.dataDir);
  if (!arrivals.ok) return arrivals;
  return ok(mergeSessions(sessions, placeSessions(durations, arrivals.value, o.concurrency, rng)));
}

/** Builds a trace from a step source with the synthetic resource model. */
export async function buildSynthTrace(source: StepSource, o: BuildOptions): Promise<Result<BuiltTrace>> {
  const root = createRng(o.seed);
  const acts = await loadActivities(source, o.dataDir, root.fork('load'), o.agentClass);
  if (!acts.ok) return acts;
  if (acts.value.length === 0) return err(new Error(`${source}: no sessions found under ${o.dataDir}`));
  const picked = pickSeeded(acts.value, o.sessions, root.fork('pick'));
  const replicas = Math.max(1, o.replicas ?? 1);
  const chosen = replicas === 1 ? picked : picked.flatMap((a) => Array.from({ length: replicas }, (_, r) => ({ ...a, id: `${a.id}~${r}` })));
  const sessions = chosen.map((a) => ({ id: `${source}/${a.id}`, samples: synthesizeSession(a, o.params, o.seed).map((s) => ({ ...s, session: `${source}/${a.id}` })) }));
  const merged = await place(sessions, chosen.map((a) => a.durationSeconds), o, root.fork('arrivals'));
  if (!merged.ok) return merged;
  const note = `memory/CPU: burstguard synthetic resource model (bench/synth/resource-model.ts, calibrated on AgentCgroup${o.params.modelInPod ? `; model in pod, ${o.params.contextBytesPerToken} B/token` : '; model outside the pod'})`;
  return ok({ header: header(source, o, note, sessions.length), samples: merged.value, sessions: sessions.length });
}

/** Builds the real AgentCgroup trace: measured memory and CPU, only the start times are placed. */
export async function buildAgentcgroupTrace(o: BuildOptions): Promise<Result<BuiltTrace>> {
  const dir = join(o.dataDir, SOURCE_INFO.agentcgroup.dir);
  const [s, t] = await Promise.all([rows(join(dir, 'samples.csv.gz')), rows(join(dir, 'tasks.csv'))]);
  if (!s.ok) return s;
  if (!t.ok) return t;
  const root = createRng(o.seed);
  const all = agentcgroupRealSessions(s.value, t.value);
  const chosen = pickSeeded(all, o.sessions, root.fork('pick'));
  const durations = chosen.map((x) => x.samples[x.samples.length - 1]?.t ?? 1);
  const merged = await place(chosen, durations, o, root.fork('arrivals'));
  if (!merged.ok) return merged;
  const note = 'memory/CPU: measured (runs haiku_nolimit as agentClass swe, haiku_4g2cpu_* as swe-limited; paper filter; thinned to ~1 s)';
  return ok({ header: { ...header('agentcgroup', o, note, chosen.length), license: 'GPL-2.0 (derived from github.com/yunwei37/agentcgroup, arXiv 2602.09345); arrivals CC-BY-4.0' }, samples: merged.value, sessions: chosen.length });
}

/** Default resource parameters for a source as imported (model outside the pod). */
export function importParams(): ResourceModelParams {
  return defaultResourceParams;
}
