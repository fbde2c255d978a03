import { createReadStream } from 'node:fs';
import { TraceFormatError, traceFail } from './errors.js';
import { readLineBatches, type NumberedLine } from './lines.js';
import type { TraceHeader, TraceSample } from './types.js';
import { SessionClock, validateHeader, validateSample, type FieldProblem } from './validate.js';
import { misspeltFields } from './field-names.js';

export { TraceFormatError } from './errors.js';

/** A trace whose header has been read and checked; its samples stream (one pass only). */
export interface OpenedTrace {
  readonly header: TraceHeader;
  /** Validated samples in file order; iteration throws TraceFormatError at the first bad line. */
  readonly samples: AsyncIterable<TraceSample>;
  /** Releases the file when the samples are not (fully) read. */
  readonly close: () => Promise<void>;
  /**
   * `file:line: ...` warnings found while the samples stream (a field name one typo away from a
   * known one, which the format would otherwise ignore silently); complete once the samples are read.
   */
  readonly warnings: readonly string[];
}

/** A trace that can be replayed several times: the header, and a function that streams it anew. */
export interface TraceSource {
  readonly path: string;
  readonly header: TraceHeader;
  readonly open: () => AsyncIterable<TraceSample>;
}

function fail(file: string, line: number, p: FieldProblem): never {
  traceFail(file, line, p.field, p.message);
}

function parseJson(file: string, l: NumberedLine): unknown {
  try {
    return JSON.parse(l.text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(file, l.line, { message: `not valid JSON (${why})` });
  }
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Lines whose field names are checked for typos: a misspelt field comes from the tool that wrote the
 * trace, so it is on the first lines too; checking every line would slow the fast path for nothing.
 */
const FIELD_CHECK_LINES = 1000;

async function* validatedSamples(first: readonly NumberedLine[], batches: AsyncGenerator<NumberedLine[]>, file: string, warnings: string[]): AsyncGenerator<TraceSample> {
  const clock = new SessionClock();
  let checked = 0;
  const warned = new Set<string>();
  const check = (l: NumberedLine): TraceSample => {
    const json = parseJson(file, l);
    if (checked < FIELD_CHECK_LINES) {
      checked += 1;
      for (const w of misspeltFields(json)) {
        if (warned.has(w.field)) continue;
        warned.add(w.field);
        warnings.push(`${file}:${l.line}: ${w.field}: not a trace field, ignored; did you mean '${w.nearest}'?`);
      }
    }
    const r = validateSample(json);
    if (!r.ok) fail(file, l.line, r.error);
    const order = clock.advance(r.value.session, r.value.t, l.line);
    if (order) fail(file, l.line, order);
    return r.value;
  };
  for (const l of first) if (!isBlank(l.text)) yield check(l);
  for await (const batch of batches) {
    for (const l of batch) if (!isBlank(l.text)) yield check(l);
  }
}

/**
 * Reads and validates the header from a byte stream (plain or gzip, detected by magic bytes), then
 * hands back the samples as a lazy stream. `file` is the name errors carry. Everything wrong with
 * the input, including I/O and gzip failures, is thrown as a TraceFormatError, and the first one ends
 * the stream: nothing is half-read silently.
 */
export async function parseTrace(source: AsyncIterable<Uint8Array | string>, file: string): Promise<OpenedTrace> {
  const batches = readLineBatches(source, file);
  // The header is the first non-blank line; the rest of its batch is the first samples.
  let pending: NumberedLine[] = [];
  let headerLine: NumberedLine | undefined;
  while (headerLine === undefined) {
    const next = await batches.next();
    if (next.done === true) traceFail(file, 1, 'format', 'empty file: expected the trace header line');
    const i = next.value.findIndex((l) => !isBlank(l.text));
    if (i >= 0) {
      headerLine = next.value[i];
      pending = next.value.slice(i + 1);
    }
  }
  const header = validateHeader(parseJson(file, headerLine));
  if (!header.ok) {
    await batches.return(undefined);
    fail(file, headerLine.line, header.error);
  }
  let taken = false;
  const warnings: string[] = [];
  const samples: AsyncIterable<TraceSample> = {
    [Symbol.asyncIterator]: () => {
      // The samples share the header's file handle, so they can be walked once; `TraceSource.open`
      // re-opens the file for another pass.
      if (taken) throw new Error('trace samples can be iterated only once; open the trace again');
      taken = true;
      return validatedSamples(pending, batches, file, warnings);
    },
  };
  const close = async (): Promise<void> => {
    await batches.return(undefined);
  };
  return { header: header.value, samples, close, warnings };
}

/** Opens a trace file (`.jsonl` or `.jsonl.gz`; gzip detected by content) and checks its header. */
export async function readTrace(path: string): Promise<OpenedTrace> {
  return parseTrace(createReadStream(path), path);
}

/**
 * Reads every sample of a trace, for a full validation pass; returns counts the CLI prints. `onSample`
 * sees each valid sample as it streams by (the bench keeps small traces in memory this way).
 */
export async function scanTrace(
  path: string,
  onSample?: (s: TraceSample) => void,
): Promise<{ header: TraceHeader; sessions: number; samples: number; firstT: number; lastT: number; warnings: readonly string[] }> {
  const { header, samples, warnings } = await readTrace(path);
  const sessions = new Set<string>();
  let count = 0;
  let firstT = Infinity;
  let lastT = -Infinity;
  for await (const s of samples) {
    onSample?.(s);
    sessions.add(s.session);
    count += 1;
    if (s.t < firstT) firstT = s.t;
    if (s.t > lastT) lastT = s.t;
  }
  return { header, sessions: sessions.size, samples: count, firstT: count > 0 ? firstT : 0, lastT: count > 0 ? lastT : 0, warnings };
}

/**
 * Opens a trace for replay: the header now, and `open()` to stream the samples afresh each time
 * (one pass per policy). A header that changed between passes is an error, not a silent switch.
 */
export async function openTraceSource(path: string): Promise<TraceSource> {
  const first = await readTrace(path);
  const expected = JSON.stringify(first.header);
  const open = (): AsyncIterable<TraceSample> => ({
    [Symbol.asyncIterator]: () => reopen()[Symbol.asyncIterator](),
  });
  async function* reopen(): AsyncGenerator<TraceSample> {
    const again = await readTrace(path);
    if (JSON.stringify(again.header) !== expected) traceFail(path, 1, 'format', 'the header changed while the trace was being replayed');
    yield* again.samples;
  }
  // The first pass's stream is not needed: close it so the file handle goes.
  await first.close();
  return { path, header: first.header, open };
}

/** True for errors the trace layer raises about its input (as opposed to bugs). */
export function isTraceFormatError(e: unknown): e is TraceFormatError {
  return e instanceof TraceFormatError;
}
