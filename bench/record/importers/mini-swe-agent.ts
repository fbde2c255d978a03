/**
 * mini-swe-agent × Gemini 3 Pro on SWE-bench Verified (steps.csv.gz: one row per model call, MIT repo).
 * Each step's response time is known to the second; the bash command runs after the response and the
 * next model call follows it, so a command's run time is the gap to the next response minus that next
 * call's estimated model time (at least 0.05 s). Context = the step's prompt tokens.
 */
import type { ContextPoint, SessionActivity, ToolCall } from '../synth/activity.js';
import { activityDuration, bashCategory } from '../synth/activity.js';
import { groupBy, estimatedModelSeconds, refineByDuration } from './common.js';
import { num, str, type CsvRow } from './csv.js';

/** Seconds before the first response (the first model call), also estimated. */
const FIRST_CALL_SECONDS = 3;

/** One activity per trajectory (instance_id), in file order. */
export function miniSweAgentActivities(steps: readonly CsvRow[], agentClass = 'swe'): SessionActivity[] {
  const out: SessionActivity[] = [];
  for (const [id, rows] of groupBy(steps, (r) => str(r, 'instance_id'))) {
    const sorted = [...rows].sort((a, b) => (num(a, 'step') ?? 0) - (num(b, 'step') ?? 0));
    const t0 = (num(sorted[0] ?? {}, 'created_unix') ?? 0) - FIRST_CALL_SECONDS;
    const tools: ToolCall[] = [];
    const points: ContextPoint[] = [];
    let retryNext = false;
    sorted.forEach((r, i) => {
      const at = (num(r, 'created_unix') ?? t0) - t0;
      const ctx = num(r, 'prompt_tokens');
      if (ctx !== undefined) points.push({ t: at, tokens: ctx });
      const kind = str(r, 'obs_kind');
      if (kind === 'format_error_retry') {
        retryNext = true;
        return;
      }
      const next = sorted[i + 1];
      const gap = next ? (num(next, 'created_unix') ?? 0) - t0 - at : 1;
      const run = kind === 'timeout' ? gap : Math.max(0.05, Math.min(gap, gap - estimatedModelSeconds(next ? (num(next, 'completion_tokens') ?? 0) : 0)));
      const tool = kind === 'submission' ? 'Bash:git' : refineByDuration(bashCategory(str(r, 'command_head')), run);
      const error = kind === 'timeout' || (num(r, 'obs_returncode') ?? 0) !== 0;
      const prev = tools[tools.length - 1];
      tools.push({ start: at, end: at + run, tool, error, retry: retryNext || (prev !== undefined && prev.error && prev.tool === tool) });
      retryNext = kind === 'timeout';
    });
    out.push({ id, agentClass, durationSeconds: activityDuration(tools, points), tools, contextPoints: points });
  }
  return out;
}
