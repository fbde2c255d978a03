import { err, ok, type Result } from '../core/result.js';
import type { TraceHeader, TraceSample } from './types.js';

/**
 * Field-by-field checks of trace v1 (docs/trace-format.md). Each returns the typed value or a
 * `{ field, message }` problem; the caller adds file and line. Pure: no I/O.
 */
export interface FieldProblem {
  readonly field?: string;
  readonly message: string;
}

export const TRACE_FORMAT = 'burstguard-trace';
export const TRACE_VERSION = 1;

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return String(v);
  return `a ${typeof v}`;
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A required or optional non-negative finite number; `undefined` means absent (allowed only if optional). */
function checkNumber(o: Obj, field: string, required: boolean, integer: boolean): FieldProblem | undefined {
  const v = o[field];
  if (v === undefined) return required ? { field, message: 'missing (required number >= 0)' } : undefined;
  if (typeof v !== 'number') return { field, message: `expected a number >= 0, got ${describe(v)}` };
  // JSON.parse turns 1e999 into Infinity; a trace must not smuggle that into the maths.
  if (!Number.isFinite(v)) return { field, message: `expected a finite number, got ${v}` };
  if (v < 0) return { field, message: `must be >= 0, got ${v}` };
  if (integer && !Number.isInteger(v)) return { field, message: `must be a whole count, got ${v}` };
  return undefined;
}

function checkString(o: Obj, field: string, required: boolean, nonEmpty: boolean): FieldProblem | undefined {
  const v = o[field];
  if (v === undefined) return required ? { field, message: 'missing (required string)' } : undefined;
  if (typeof v !== 'string') return { field, message: `expected a string, got ${describe(v)}` };
  if (nonEmpty && v.length === 0) return { field, message: 'must not be empty' };
  return undefined;
}

/** Checks the header line's parsed JSON. Extra fields are kept. */
export function validateHeader(v: unknown): Result<TraceHeader, FieldProblem> {
  if (!isObject(v)) return err({ message: `the header must be a JSON object, got ${describe(v)}` });
  if (v.format !== TRACE_FORMAT) {
    return err({ field: 'format', message: `expected "${TRACE_FORMAT}", got ${describe(v.format)} (is this a burstguard trace?)` });
  }
  if (v.version !== TRACE_VERSION) {
    return err({ field: 'version', message: `unknown version ${describe(v.version)} (this reader knows version ${TRACE_VERSION})` });
  }
  const problem =
    checkString(v, 'name', true, true) ??
    checkString(v, 'source', true, false) ??
    checkString(v, 'license', true, false) ??
    checkNumber(v, 'intervalSeconds', true, false);
  if (problem) return err(problem);
  if ((v.intervalSeconds as number) <= 0) return err({ field: 'intervalSeconds', message: `must be > 0, got ${String(v.intervalSeconds)}` });
  return ok(v as unknown as TraceHeader);
}

function goodNumber(x: unknown): x is number {
  return typeof x === 'number' && x >= 0 && x !== Infinity;
}

function goodCount(x: unknown): boolean {
  return x === undefined || (goodNumber(x) && Number.isInteger(x));
}

/**
 * The fast path for the lines that make up nearly every trace: plain type checks and one object
 * literal per shape-stable sample. Anything unusual returns undefined and goes through the
 * field-by-field checks below, which name the problem. (`x >= 0` is false for NaN, so NaN fails too.)
 */
// eslint-disable-next-line complexity -- one flat list of type checks is what makes this path fast
function wellFormedSample(v: Obj): TraceSample | undefined {
  const { session, t, memBytes, cpuCores, contextTokens, toolCalls, toolRetries, toolErrors, tool, agentClass } = v;
  if (typeof session !== 'string' || session.length === 0 || !goodNumber(t) || !goodNumber(memBytes) || !goodNumber(cpuCores)) return undefined;
  if (!(contextTokens === undefined || goodNumber(contextTokens)) || !goodCount(toolCalls) || !goodCount(toolRetries) || !goodCount(toolErrors)) return undefined;
  if (!(tool === undefined || typeof tool === 'string') || !(agentClass === undefined || (typeof agentClass === 'string' && agentClass.length > 0))) return undefined;
  const s: { -readonly [K in keyof TraceSample]: TraceSample[K] } = { session, t, memBytes, cpuCores };
  if (contextTokens !== undefined) s.contextTokens = contextTokens;
  if (toolCalls !== undefined) s.toolCalls = toolCalls as number;
  if (toolRetries !== undefined) s.toolRetries = toolRetries as number;
  if (toolErrors !== undefined) s.toolErrors = toolErrors as number;
  if (tool !== undefined) s.tool = tool;
  if (agentClass !== undefined) s.agentClass = agentClass;
  return s;
}

const OPTIONAL_FIELDS = ['contextTokens', 'toolCalls', 'toolRetries', 'toolErrors', 'tool', 'agentClass'] as const;

/** Required fields first, so the first problem named is the most basic one. */
const SAMPLE_CHECKS: ReadonlyArray<(o: Obj) => FieldProblem | undefined> = [
  (o) => checkString(o, 'session', true, true),
  (o) => checkNumber(o, 't', true, false),
  (o) => checkNumber(o, 'memBytes', true, false),
  (o) => checkNumber(o, 'cpuCores', true, false),
  (o) => checkNumber(o, 'contextTokens', false, false),
  (o) => checkNumber(o, 'toolCalls', false, true),
  (o) => checkNumber(o, 'toolRetries', false, true),
  (o) => checkNumber(o, 'toolErrors', false, true),
  (o) => checkString(o, 'tool', false, false),
  (o) => checkString(o, 'agentClass', false, true),
];

/**
 * Checks one sample line's parsed JSON and copies out the known fields only (unknown fields are
 * ignored; absent optional fields stay absent). Ordering across lines is the reader's job.
 */
export function validateSample(v: unknown): Result<TraceSample, FieldProblem> {
  if (!isObject(v)) return err({ message: `a sample must be a JSON object, got ${describe(v)}` });
  const fast = wellFormedSample(v);
  if (fast !== undefined) return ok(fast);
  for (const check of SAMPLE_CHECKS) {
    const problem = check(v);
    if (problem) return err(problem);
  }
  const s: Record<string, unknown> = { session: v.session, t: v.t, memBytes: v.memBytes, cpuCores: v.cpuCores };
  for (const f of OPTIONAL_FIELDS) if (v[f] !== undefined) s[f] = v[f];
  return ok(s as unknown as TraceSample);
}

/**
 * Remembers each session's latest `t` so a sample that does not move its session forward is caught.
 * Memory grows with the number of sessions, not samples, so streaming stays bounded.
 */
export class SessionClock {
  private readonly last = new Map<string, { t: number; line: number }>();

  /** Records the sample; returns a problem when `t` does not increase within its session. */
  advance(session: string, t: number, line: number): FieldProblem | undefined {
    const prev = this.last.get(session);
    if (prev !== undefined && t <= prev.t) {
      return {
        field: 't',
        message: `${t} is not after session "${session}"'s previous sample at t=${prev.t} (line ${prev.line}); a session's samples must come in increasing t`,
      };
    }
    if (prev === undefined) this.last.set(session, { t, line });
    else {
      prev.t = t;
      prev.line = line;
    }
    return undefined;
  }
}
