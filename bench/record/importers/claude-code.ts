/**
 * Claude Code CLI session transcripts (api_calls.csv + tool_calls.csv, MIT, github.com/marot/spotter).
 * Real timestamps for every model response (with its true context size: the compaction sawtooth) and
 * every tool call (with latency and error flag). Main sessions only; a session is cut where nothing
 * happened for more than `maxIdleSeconds` (the human was away), and each part becomes one session.
 * The logs hold no shell commands, so Bash calls are classed by run time: < 1 s file exploration,
 * longer ones `Bash:other`, and >= LONG_RUN_IS_TEST_SECONDS a test run.
 */
import type { ContextPoint, SessionActivity, ToolCall } from '../synth/activity.js';
import { activityDuration } from '../synth/activity.js';
import { groupBy, refineByDuration } from './common.js';
import { flag, num, str, type CsvRow } from './csv.js';

/** ISO time in seconds; a time without a zone is read as UTC. */
export function isoSeconds(s: string): number | undefined {
  const v = s.trim();
  if (v === '') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

export function claudeTool(name: string, seconds: number): string {
  if (name !== 'Bash') return name;
  return seconds < 1 ? 'Bash:file_explore' : refineByDuration('Bash:other', seconds);
}

export interface Options {
  readonly agentClass?: string;
  readonly maxIdleSeconds?: number;
  readonly minSessionSeconds?: number;
}

type AbsCall = ToolCall;

/** An activity and when it began (absolute seconds), for logs whose real timing is kept. */
export type TimedActivity = SessionActivity & { readonly startS: number };

/**
 * Splits one session's events (absolute seconds) at idle gaps (`maxIdleSeconds`: the human was away);
 * each part is re-based to start 2 s before its first event, and parts shorter than
 * `minSessionSeconds` are dropped.
 */
export function splitAtIdle(id: string, calls: AbsCall[], points: ContextPoint[], o: Required<Options>): TimedActivity[] {
  type Ev = { at: number; until: number; call?: AbsCall; point?: ContextPoint };
  const evs: Ev[] = [...calls.map((c) => ({ at: c.start, until: c.end, call: c })), ...points.map((p) => ({ at: p.t, until: p.t, point: p }))].sort((a, b) => a.at - b.at);
  const parts: Ev[][] = [];
  let horizon = -Infinity;
  for (const e of evs) {
    if (e.at > horizon + o.maxIdleSeconds || parts.length === 0) parts.push([]);
    parts[parts.length - 1]?.push(e);
    horizon = Math.max(horizon, e.until);
  }
  const out: TimedActivity[] = [];
  parts.forEach((part, k) => {
    const t0 = (part[0]?.at ?? 0) - 2;
    const tools = part.flatMap((e) => (e.call ? [{ ...e.call, start: e.call.start - t0, end: e.call.end - t0 }] : []));
    const pts = part.flatMap((e) => (e.point ? [{ t: e.point.t - t0, tokens: e.point.tokens }] : []));
    const duration = activityDuration(tools, pts);
    if (duration >= o.minSessionSeconds) out.push({ id: `${id}#${k}`, agentClass: o.agentClass, durationSeconds: duration, tools, contextPoints: pts, startS: t0 });
  });
  return out;
}

/** One or more activities per main session (see the module comment). */
export function claudeCodeActivities(apiCalls: readonly CsvRow[], toolCalls: readonly CsvRow[], options: Options = {}): SessionActivity[] {
  const o: Required<Options> = { agentClass: 'coding-assistant', maxIdleSeconds: 300, minSessionSeconds: 60, ...options };
  const toolsByFile = groupBy(
    toolCalls.filter((r) => str(r, 'kind') === 'main'),
    (r) => str(r, 'file'),
  );
  const out: SessionActivity[] = [];
  for (const [file, rows] of groupBy(
    apiCalls.filter((r) => str(r, 'kind') === 'main'),
    (r) => str(r, 'file'),
  )) {
    const id = str(rows[0] ?? {}, 'session_id').slice(0, 8) || file;
    const points: ContextPoint[] = [];
    for (const r of rows) {
      const t = isoSeconds(str(r, 'ts_first'));
      const tokens = num(r, 'context_tokens');
      if (t !== undefined && tokens !== undefined) points.push({ t, tokens });
    }
    const calls: AbsCall[] = [];
    const sortedTools = [...(toolsByFile.get(file) ?? [])].sort((a, b) => (isoSeconds(str(a, 'ts_call')) ?? 0) - (isoSeconds(str(b, 'ts_call')) ?? 0));
    for (const r of sortedTools) {
      const start = isoSeconds(str(r, 'ts_call'));
      if (start === undefined) continue;
      const end = Math.max(start, isoSeconds(str(r, 'ts_result')) ?? start + (num(r, 'latency_s') ?? 0));
      const tool = claudeTool(str(r, 'tool_name'), end - start);
      const prev = calls[calls.length - 1];
      calls.push({ start, end, tool, error: flag(r, 'is_error'), retry: prev !== undefined && prev.error && prev.tool === tool });
    }
    out.push(...splitAtIdle(id, calls, points.sort((a, b) => a.t - b.t), o));
  }
  return out;
}
