/**
 * SWE-agent 1.x trajectories on SWE-bench Verified (steps.csv.gz: one row per step; attribution to
 * SWE-agent / SWE-bench). Tool run times are measured (execution_time_s); the tables carry no
 * timestamps, so the model time before each step is estimated from the step's output size
 * (thought + action characters / 4 ≈ tokens). Context ≈ history characters / 4.
 */
import type { ContextPoint, SessionActivity, ToolCall } from '../synth/activity.js';
import { activityDuration, bashCategory } from '../synth/activity.js';
import { estimatedModelSeconds, groupBy, refineByDuration } from './common.js';
import { num, str, type CsvRow } from './csv.js';

/** SWE-agent's own tools by name; anything else is a shell command. */
export function sweAgentTool(actionHead: string): string | undefined {
  if (actionHead === '') return undefined;
  if (actionHead === 'str_replace_editor') return 'Edit';
  if (actionHead === 'submit') return 'Bash:git';
  return bashCategory(actionHead);
}

/** One activity per trajectory (run/instance_id). A step with no action is a rejected response: the next call is a retry. */
export function sweAgentActivities(steps: readonly CsvRow[], agentClass = 'swe'): SessionActivity[] {
  const out: SessionActivity[] = [];
  for (const [id, rows] of groupBy(steps, (r) => `${str(r, 'run')}/${str(r, 'instance_id')}`)) {
    const sorted = [...rows].sort((a, b) => (num(a, 'step') ?? 0) - (num(b, 'step') ?? 0));
    const tools: ToolCall[] = [];
    const points: ContextPoint[] = [];
    let t = 0;
    let retryNext = false;
    for (const r of sorted) {
      t += estimatedModelSeconds(((num(r, 'thought_chars') ?? 0) + (num(r, 'action_chars') ?? 0)) / 4);
      const ctxChars = num(r, 'history_ctx_chars');
      if (ctxChars !== undefined) points.push({ t, tokens: Math.round(ctxChars / 4) });
      const head = sweAgentTool(str(r, 'action_head'));
      const run = Math.max(0, num(r, 'execution_time_s') ?? 0);
      if (head === undefined) {
        retryNext = true;
        t += run;
        continue;
      }
      const tool = refineByDuration(head, run);
      const error = str(r, 'obs_error_hint') !== '';
      const prev = tools[tools.length - 1];
      tools.push({ start: t, end: t + run, tool, error, retry: retryNext || (prev !== undefined && prev.error && prev.tool === tool) });
      retryNext = false;
      t += run;
    }
    out.push({ id, agentClass, durationSeconds: activityDuration(tools, points, t), tools, contextPoints: points });
  }
  return out;
}
