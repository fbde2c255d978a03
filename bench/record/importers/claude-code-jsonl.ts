/**
 * Claude Code session logs as Claude Code writes them (`~/.claude/projects/<project>/<session>.jsonl`):
 * one JSON object per line. What a trace needs from them:
 * - assistant lines: `message.usage` (input + cache-creation + cache-read tokens = the context the
 *   model saw, so compaction shows as a drop) and `tool_use` blocks (id, name, and for Bash the
 *   command); one response is split over several lines sharing `message.id`, counted once;
 * - user lines: `tool_result` blocks (tool_use_id, is_error); the line's timestamp is when the result
 *   came back, so a call runs from its tool_use line to its result line;
 * - system lines with `subtype: compact_boundary`: a compaction (counted for the header).
 * Sidechain lines (subagents) are left out: they run in the same pod but their own context. Lines that
 * are not JSON, or of other types, are skipped (the log format grows).
 */
import { bashCategory, type ContextPoint, type ToolCall } from '../synth/activity.js';
import { claudeTool, splitAtIdle, type Options, type TimedActivity } from './claude-code.js';
import { refineByDuration } from './common.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const numOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface OpenCall {
  readonly start: number;
  readonly tool: string;
  readonly bashHead?: string;
}

/** What one log file holds, before it is cut into sessions. */
export interface ClaudeLog {
  readonly sessionId: string;
  readonly calls: ToolCall[];
  readonly points: ContextPoint[];
  readonly compactions: number;
  /** Lines that were not JSON objects (reported, not fatal). */
  readonly badLines: number;
}

/** The first word of the command that does the work: `cd repo && pytest -x` is a test run. */
export function commandHead(command: string): string {
  const last = command.split(/&&|;|\|\|/).map((s) => s.trim()).filter((s) => s !== '' && !/^cd\s/.test(s));
  const words = (last[last.length - 1] ?? command).split(/\s+/).filter((w) => !/^\w+=/.test(w));
  return words[0] ?? '';
}

function toolOf(c: OpenCall, seconds: number): string {
  if (c.bashHead === undefined) return claudeTool(c.tool, seconds);
  return refineByDuration(bashCategory(c.bashHead), seconds);
}

class LogFold {
  sessionId = '';
  readonly points: ContextPoint[] = [];
  readonly calls: ToolCall[] = [];
  readonly open = new Map<string, OpenCall>();
  readonly seenMessages = new Set<string>();
  compactions = 0;
  badLines = 0;

  line(o: Obj): void {
    if (o['isSidechain'] === true) return;
    const t = typeof o['timestamp'] === 'string' ? Date.parse(o['timestamp']) / 1000 : NaN;
    if (!Number.isFinite(t)) return;
    if (this.sessionId === '' && typeof o['sessionId'] === 'string') this.sessionId = o['sessionId'];
    const message = isObj(o['message']) ? o['message'] : undefined;
    if (o['type'] === 'assistant' && message) this.assistant(message, t);
    else if (o['type'] === 'user' && message) this.user(message, t);
    else if (o['type'] === 'system' && o['subtype'] === 'compact_boundary') this.compactions += 1;
  }

  private assistant(m: Obj, t: number): void {
    const id = typeof m['id'] === 'string' ? m['id'] : '';
    const usage = isObj(m['usage']) ? m['usage'] : undefined;
    if (usage && !this.seenMessages.has(id)) {
      this.seenMessages.add(id);
      const tokens = numOf(usage['input_tokens']) + numOf(usage['cache_creation_input_tokens']) + numOf(usage['cache_read_input_tokens']);
      if (tokens > 0) this.points.push({ t, tokens });
    }
    for (const b of Array.isArray(m['content']) ? m['content'] : []) {
      if (!isObj(b) || b['type'] !== 'tool_use' || typeof b['id'] !== 'string') continue;
      const tool = typeof b['name'] === 'string' ? b['name'] : 'unknown';
      const input = isObj(b['input']) ? b['input'] : {};
      const command = tool === 'Bash' && typeof input['command'] === 'string' ? input['command'] : undefined;
      this.open.set(b['id'], { start: t, tool, ...(command !== undefined ? { bashHead: commandHead(command) } : {}) });
    }
  }

  private user(m: Obj, t: number): void {
    for (const b of Array.isArray(m['content']) ? m['content'] : []) {
      if (!isObj(b) || b['type'] !== 'tool_result' || typeof b['tool_use_id'] !== 'string') continue;
      const c = this.open.get(b['tool_use_id']);
      if (c === undefined) continue;
      this.open.delete(b['tool_use_id']);
      const end = Math.max(c.start, t);
      const tool = toolOf(c, end - c.start);
      const prev = this.calls[this.calls.length - 1];
      const error = b['is_error'] === true;
      this.calls.push({ start: c.start, end, tool, error, retry: prev !== undefined && prev.error && prev.tool === tool });
    }
  }
}

/** Folds one log file's text. */
export function parseClaudeLog(text: string): ClaudeLog {
  const f = new LogFold();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      f.badLines += 1;
      continue;
    }
    if (isObj(o)) f.line(o);
    else f.badLines += 1;
  }
  // A call still open at the end of the log (interrupted) ran until the log's last event.
  const last = Math.max(0, ...f.points.map((p) => p.t), ...f.calls.map((c) => c.end));
  for (const c of f.open.values()) f.calls.push({ start: c.start, end: Math.max(c.start, last), tool: toolOf(c, last - c.start), error: false, retry: false });
  f.calls.sort((a, b) => a.start - b.start);
  f.points.sort((a, b) => a.t - b.t);
  return { sessionId: f.sessionId, calls: f.calls, points: f.points, compactions: f.compactions, badLines: f.badLines };
}

/** One log's sessions (cut at idle gaps, as the bundled Claude Code import does). */
export function claudeLogActivities(log: ClaudeLog, fallbackId: string, options: Options = {}): TimedActivity[] {
  const o: Required<Options> = { agentClass: 'coding-assistant', maxIdleSeconds: 300, minSessionSeconds: 60, ...options };
  const id = log.sessionId !== '' ? log.sessionId.slice(0, 8) : fallbackId;
  return splitAtIdle(id, log.calls, log.points, o);
}
