/**
 * OpenTelemetry GenAI spans exported as OTLP JSON (the collector's file exporter writes one
 * `{"resourceSpans": [...]}` object per line; an SDK dump is one such object): the agent's tool calls
 * and its context size, grouped into sessions by `gen_ai.conversation.id` (else the trace id).
 * - `execute_tool` spans (`gen_ai.operation.name`, or a span name starting so): a tool call from the
 *   span's start to its end, named by `gen_ai.tool.name`; an error when the span status is ERROR or
 *   `error.type` is set. A shell tool whose `gen_ai.tool.call.arguments` holds a command is classed
 *   by the command's first word, as the other importers do.
 * - model spans (`chat`, `text_completion`, `generate_content`): `gen_ai.usage.input_tokens` (the
 *   older `gen_ai.usage.prompt_tokens` too) at the span's end is the context the model saw.
 * `invoke_agent` spans are left out: their token usage sums a whole turn, not one call's context.
 */
import { bashCategory, type ContextPoint, type ToolCall } from '../synth/activity.js';
import { splitAtIdle, type Options, type TimedActivity } from './claude-code.js';
import { commandHead } from './claude-code-jsonl.js';
import { refineByDuration } from './common.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const MODEL_OPS = new Set(['chat', 'text_completion', 'generate_content']);
const SHELL_TOOLS = /^(bash|shell|sh|terminal|run_command|execute_command)$/i;

/** An OTLP AnyValue as a plain value (intValue arrives as a string in OTLP JSON). */
function anyValue(v: unknown): string | number | boolean | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (v['intValue'] !== undefined) return Number(v['intValue']);
  if (typeof v['doubleValue'] === 'number') return v['doubleValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  return undefined;
}

function attributes(span: Obj): Map<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  for (const a of list(span['attributes'])) {
    if (!isObj(a) || typeof a['key'] !== 'string') continue;
    const v = anyValue(a['value']);
    if (v !== undefined) out.set(a['key'], v);
  }
  return out;
}

const seconds = (nanos: unknown): number => Number(nanos) / 1e9;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Events of one session, absolute seconds. */
interface SessionEvents {
  readonly calls: ToolCall[];
  readonly points: ContextPoint[];
}

function isError(span: Obj, attrs: Map<string, unknown>): boolean {
  const status = isObj(span['status']) ? span['status'] : {};
  return status['code'] === 2 || status['code'] === 'STATUS_CODE_ERROR' || (attrs.get('error.type') ?? '') !== '';
}

function toolName(span: Obj, attrs: Map<string, string | number | boolean>, secondsRun: number): string {
  const name = String(attrs.get('gen_ai.tool.name') ?? text(span['name']).replace(/^execute_tool\s*/, '')) || 'unknown';
  if (!SHELL_TOOLS.test(name)) return name;
  let command: unknown;
  try {
    const args: unknown = JSON.parse(String(attrs.get('gen_ai.tool.call.arguments') ?? '{}'));
    command = isObj(args) ? (args['command'] ?? args['cmd']) : undefined;
  } catch {
    command = undefined;
  }
  return typeof command === 'string' ? refineByDuration(bashCategory(commandHead(command)), secondsRun) : refineByDuration('Bash:other', secondsRun);
}

function foldSpan(span: Obj, sessions: Map<string, SessionEvents>): void {
  const attrs = attributes(span);
  const op = String(attrs.get('gen_ai.operation.name') ?? (text(span['name']).startsWith('execute_tool') ? 'execute_tool' : ''));
  if (op !== 'execute_tool' && !MODEL_OPS.has(op)) return;
  const start = seconds(span['startTimeUnixNano']);
  const end = Math.max(start, seconds(span['endTimeUnixNano']));
  if (!Number.isFinite(start) || !Number.isFinite(end)) return;
  const key = String(attrs.get('gen_ai.conversation.id') ?? (text(span['traceId']) || 'session'));
  let s = sessions.get(key);
  if (s === undefined) {
    s = { calls: [], points: [] };
    sessions.set(key, s);
  }
  if (op === 'execute_tool') {
    s.calls.push({ start, end, tool: toolName(span, attrs, end - start), error: isError(span, attrs), retry: false });
    return;
  }
  const tokens = Number(attrs.get('gen_ai.usage.input_tokens') ?? attrs.get('gen_ai.usage.prompt_tokens'));
  if (Number.isFinite(tokens) && tokens > 0) s.points.push({ t: end, tokens });
}

/** Parsed OTLP documents (one per non-empty line, or the whole text as one); bad lines counted. */
export function parseOtlpText(text: string): { docs: unknown[]; badLines: number } {
  try {
    return { docs: [JSON.parse(text)], badLines: 0 };
  } catch {
    const docs: unknown[] = [];
    let badLines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        docs.push(JSON.parse(line));
      } catch {
        badLines += 1;
      }
    }
    return { docs, badLines };
  }
}

/** Tool calls and context points by session, from OTLP JSON documents. */
export function otelSessions(docs: readonly unknown[]): Map<string, SessionEvents> {
  const sessions = new Map<string, SessionEvents>();
  for (const doc of docs) {
    for (const rs of list(isObj(doc) ? doc['resourceSpans'] : undefined)) {
      for (const ss of list(isObj(rs) ? rs['scopeSpans'] : undefined)) {
        for (const span of list(isObj(ss) ? ss['spans'] : undefined)) if (isObj(span)) foldSpan(span, sessions);
      }
    }
  }
  return sessions;
}

/** The sessions as activities: retries marked (a failed call followed by the same tool), cut at idle gaps. */
export function otelActivities(sessions: Map<string, SessionEvents>, options: Options = {}): TimedActivity[] {
  const o: Required<Options> = { agentClass: 'agent', maxIdleSeconds: 300, minSessionSeconds: 10, ...options };
  const out: TimedActivity[] = [];
  for (const [key, s] of [...sessions.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const calls = [...s.calls].sort((a, b) => a.start - b.start);
    const marked = calls.map((c, i) => ({ ...c, retry: i > 0 && (calls[i - 1]?.error ?? false) && calls[i - 1]?.tool === c.tool }));
    out.push(...splitAtIdle(key.slice(0, 16), marked, [...s.points].sort((a, b) => a.t - b.t), o));
  }
  return out;
}
