/**
 * tau2-bench simulations (messages.csv.gz + sessions.csv, MIT, Sierra Research): customer-service
 * agents calling hosted LLMs, whose tools are in-process API functions (`Api:<function>`). One pod
 * serves conversations back to back, so consecutive simulations of one submission file are chained
 * into a pod session until it lasts at least `podSeconds`, with a short pause between conversations.
 * Context = the agent's prompt tokens on assistant messages (where the run recorded usage).
 */
import type { Rng } from '../../../src/core/rng.js';
import type { ContextPoint, SessionActivity, ToolCall } from '../synth/activity.js';
import { activityDuration } from '../synth/activity.js';
import { isoSeconds } from './claude-code.js';
import { groupBy } from './common.js';
import { flag, num, str, type CsvRow } from './csv.js';

/** Seconds an in-process tool function is taken to run (the simulator stamps call and result alike). */
const API_CALL_SECONDS = 0.05;

interface Conversation {
  readonly tools: ToolCall[];
  readonly points: ContextPoint[];
  readonly duration: number;
}

function conversation(rows: readonly CsvRow[]): Conversation | undefined {
  const sorted = [...rows].sort((a, b) => (num(a, 'msg_idx') ?? 0) - (num(b, 'msg_idx') ?? 0));
  const t0 = isoSeconds(str(sorted[0] ?? {}, 'timestamp'));
  if (t0 === undefined) return undefined;
  const tools: ToolCall[] = [];
  const points: ContextPoint[] = [];
  let pending: string[] = [];
  for (const r of sorted) {
    const t = (isoSeconds(str(r, 'timestamp')) ?? t0) - t0;
    const role = str(r, 'role');
    if (role === 'assistant') {
      const ctx = num(r, 'prompt_tokens');
      if (ctx !== undefined) points.push({ t, tokens: ctx });
      pending = str(r, 'tool_names').split(/[|;,]/).filter((s) => s !== '');
    } else if (role === 'tool') {
      const tool = `Api:${pending.shift() ?? 'call'}`;
      const prev = tools[tools.length - 1];
      const error = flag(r, 'tool_error');
      tools.push({ start: t, end: t + API_CALL_SECONDS, tool, error, retry: prev !== undefined && prev.error && prev.tool === tool });
    }
  }
  return { tools, points, duration: activityDuration(tools, points) };
}

/** Pod sessions of chained conversations (see the module comment); `rng` draws the pauses between them. */
export function tau2Activities(messages: readonly CsvRow[], rng: Rng, options: { agentClass?: string; podSeconds?: number } = {}): SessionActivity[] {
  const agentClass = options.agentClass ?? 'api-agent';
  const podSeconds = options.podSeconds ?? 300;
  const bySim = groupBy(messages, (r) => str(r, 'sim_id'));
  const byFile = groupBy([...bySim.values()].map((rows) => rows[0] ?? {}), (r) => str(r, 'source_file'));
  const out: SessionActivity[] = [];
  let fileNo = 0;
  for (const firsts of byFile.values()) {
    const convs = firsts
      .map((r) => ({ start: isoSeconds(str(r, 'timestamp')) ?? 0, conv: conversation(bySim.get(str(r, 'sim_id')) ?? []) }))
      .filter((c): c is { start: number; conv: Conversation } => c.conv !== undefined)
      .sort((a, b) => a.start - b.start);
    let tools: ToolCall[] = [];
    let points: ContextPoint[] = [];
    let t = 0;
    let podNo = 0;
    const flush = (): void => {
      if (tools.length + points.length > 0) out.push({ id: `pod-${fileNo}-${podNo++}`, agentClass, durationSeconds: Math.max(1, t), tools, contextPoints: points });
      tools = [];
      points = [];
      t = 0;
    };
    for (const { conv } of convs) {
      tools.push(...conv.tools.map((c) => ({ ...c, start: c.start + t, end: c.end + t })));
      points.push(...conv.points.map((p) => ({ t: p.t + t, tokens: p.tokens })));
      t += conv.duration + 1 + 3 * rng.next();
      if (t >= podSeconds) flush();
    }
    flush();
    fileNo++;
  }
  return out;
}
