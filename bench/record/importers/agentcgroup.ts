/**
 * AgentCgroup (github.com/yunwei37/agentcgroup, GPL-2.0; arXiv 2602.09345): real per-second container
 * memory and CPU of Claude Code + Haiku solving SWE-rebench tasks. Two views:
 * - `agentcgroupRealSessions`: the measured series as trace samples (the real bundled trace);
 * - `agentcgroupActivities`: the same tasks' tool timelines and context sizes, the input the synthetic
 *   resource model is calibrated on (so real and synthetic can be compared task by task).
 */
import type { TraceSample } from '../../../src/trace/types.js';
import type { ContextPoint, SessionActivity, ToolCall } from '../synth/activity.js';
import { activityDuration } from '../synth/activity.js';
import { flag, num, str, type CsvRow } from './csv.js';
import type { RelativeSession } from './arrivals.js';

/** Which runs to take and the agent class each becomes. */
export function agentcgroupClass(run: string): string | undefined {
  if (run === 'haiku_nolimit') return 'swe';
  if (run.startsWith('haiku_4g2cpu')) return 'swe-limited';
  return undefined;
}

/** Tasks the paper keeps (>= 10 samples and >= 60 s), as `run/task` keys. */
export function filteredTasks(tasks: readonly CsvRow[]): Set<string> {
  return new Set(tasks.filter((r) => flag(r, 'paper_filter_ok')).map((r) => `${str(r, 'run')}/${str(r, 'task')}`));
}

function groupByTask(rows: readonly CsvRow[], keep: Set<string>): Map<string, CsvRow[]> {
  const out = new Map<string, CsvRow[]>();
  for (const r of rows) {
    const key = `${str(r, 'run')}/${str(r, 'task')}`;
    if (!keep.has(key) || agentcgroupClass(str(r, 'run')) === undefined) continue;
    const list = out.get(key) ?? [];
    list.push(r);
    out.set(key, list);
  }
  return out;
}

/**
 * The measured series, one session per kept task, t relative to the container start. Series sampled
 * faster than once a second are thinned to about 1 s (a sample is kept when >= 0.9 s after the last
 * kept one); tool calls and errors are the cumulative counters differenced across kept samples.
 */
export function agentcgroupRealSessions(samples: readonly CsvRow[], tasks: readonly CsvRow[]): RelativeSession[] {
  const out: RelativeSession[] = [];
  for (const [key, rows] of groupByTask(samples, filteredTasks(tasks))) {
    const agentClass = agentcgroupClass(key.split('/')[0] ?? '') ?? 'swe';
    const sorted = [...rows].sort((a, b) => (num(a, 't_s') ?? 0) - (num(b, 't_s') ?? 0));
    const series: TraceSample[] = [];
    let lastT = -Infinity;
    let lastCalls = 0;
    let lastErrors = 0;
    for (const r of sorted) {
      const t = num(r, 't_s');
      const mem = num(r, 'mem_bytes');
      const cpu = num(r, 'cpu_cores');
      if (t === undefined || mem === undefined || cpu === undefined || t < lastT + 0.9) continue;
      lastT = t;
      const calls = num(r, 'tool_calls_cum') ?? lastCalls;
      const errors = num(r, 'tool_errors_cum') ?? lastErrors;
      const ctx = num(r, 'context_tokens');
      const tool = str(r, 'tool');
      series.push({
        session: key,
        t: Math.round(t * 1000) / 1000,
        memBytes: mem,
        cpuCores: Math.max(0, cpu),
        ...(ctx !== undefined ? { contextTokens: ctx } : {}),
        toolCalls: Math.max(0, calls - lastCalls),
        toolErrors: Math.max(0, errors - lastErrors),
        ...(tool !== '' ? { tool } : {}),
        agentClass,
      });
      lastCalls = calls;
      lastErrors = errors;
    }
    if (series.length > 0) out.push({ id: key, samples: series });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Tool name with its Bash category, as the resource model keys it (`Bash:test`). */
function toolName(r: CsvRow): string {
  const cat = str(r, 'bash_category');
  return cat !== '' ? `${str(r, 'tool')}:${cat}` : str(r, 'tool');
}

/**
 * The kept tasks' activity: main-thread tool calls (sidechain calls belong to a subagent, already
 * covered by its `Task` call) and the context size at each sample where it changed. A retry is a call
 * that repeats the previous call's tool right after that call failed.
 */
export function agentcgroupActivities(toolCalls: readonly CsvRow[], samples: readonly CsvRow[], tasks: readonly CsvRow[]): SessionActivity[] {
  const keep = filteredTasks(tasks);
  const callsByTask = groupByTask(toolCalls.filter((r) => !flag(r, 'sidechain')), keep);
  const out: SessionActivity[] = [];
  for (const [key, rows] of groupByTask(samples, keep)) {
    const sorted = [...(callsByTask.get(key) ?? [])].sort((a, b) => (num(a, 'start_s') ?? 0) - (num(b, 'start_s') ?? 0));
    const tools: ToolCall[] = [];
    for (const r of sorted) {
      const start = num(r, 'start_s');
      if (start === undefined) continue;
      const prev = tools[tools.length - 1];
      const tool = toolName(r);
      tools.push({ start, end: Math.max(start, num(r, 'end_s') ?? start), tool, error: flag(r, 'is_error'), retry: prev !== undefined && prev.error && prev.tool === tool });
    }
    const points: ContextPoint[] = [];
    for (const r of rows) {
      const t = num(r, 't_s');
      const tokens = num(r, 'context_tokens');
      if (t === undefined || tokens === undefined) continue;
      if (points[points.length - 1]?.tokens !== tokens) points.push({ t, tokens });
    }
    points.sort((a, b) => a.t - b.t);
    const lastSample = Math.max(...rows.map((r) => num(r, 't_s') ?? 0));
    out.push({ id: key, agentClass: agentcgroupClass(key.split('/')[0] ?? '') ?? 'swe', durationSeconds: activityDuration(tools, points, lastSample), tools, contextPoints: points });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
