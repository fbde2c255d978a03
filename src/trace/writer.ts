import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { traceFail } from './errors.js';
import type { TraceHeader, TraceSample } from './types.js';
import { SessionClock, validateHeader, validateSample } from './validate.js';

const HEADER_KEYS = ['format', 'version', 'name', 'source', 'license', 'intervalSeconds'] as const;
const SAMPLE_KEYS = ['session', 't', 'memBytes', 'cpuCores', 'contextTokens', 'toolCalls', 'toolRetries', 'toolErrors', 'tool', 'agentClass'] as const;

/** The header as one line, binding fields first in a fixed order, then extras in their own order. */
export function headerLine(header: TraceHeader): string {
  const out: Record<string, unknown> = {};
  for (const k of HEADER_KEYS) out[k] = header[k];
  for (const [k, v] of Object.entries(header)) if (!(k in out) && v !== undefined) out[k] = v;
  return JSON.stringify(out);
}

/** A sample as one line, fields in a fixed order; absent optional fields stay absent. */
export function sampleLine(s: TraceSample): string {
  const out: Record<string, unknown> = {};
  for (const k of SAMPLE_KEYS) if (s[k] !== undefined) out[k] = s[k];
  return JSON.stringify(out);
}

/**
 * The trace as text lines. Every sample is checked exactly as the reader will check it, so a writer
 * bug fails here (with the output line number) instead of producing a file nobody can read.
 */
async function* traceLines(path: string, header: TraceHeader, samples: Iterable<TraceSample> | AsyncIterable<TraceSample>): AsyncGenerator<string> {
  const h = validateHeader(header);
  if (!h.ok) traceFail(path, 1, h.error.field, h.error.message);
  yield `${headerLine(header)}\n`;
  const clock = new SessionClock();
  let line = 1;
  for await (const s of samples) {
    line += 1;
    const v = validateSample(s);
    if (!v.ok) traceFail(path, line, v.error.field, v.error.message);
    const order = clock.advance(s.session, s.t, line);
    if (order) traceFail(path, line, order.field, order.message);
    yield `${sampleLine(v.value)}\n`;
  }
}

/** Batches small lines into larger chunks so the stream machinery is not paid per sample. */
async function* batched(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = '';
  for await (const l of lines) {
    buf += l;
    if (buf.length >= 64 * 1024) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/**
 * Writes a trace v1 file, gzip-compressed when the path ends in `.gz`. Output is deterministic: the
 * same header and samples give the same bytes (fixed key order; gzip header without a timestamp).
 * The file appears only when complete (written beside it, then renamed), so a failed write leaves
 * no half trace behind. Throws TraceFormatError for an invalid header or sample.
 */
export async function writeTrace(path: string, header: TraceHeader, samples: Iterable<TraceSample> | AsyncIterable<TraceSample>): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  const source = Readable.from(batched(traceLines(path, header, samples)));
  try {
    if (path.endsWith('.gz')) await pipeline(source, createGzip({ level: constants.Z_BEST_COMPRESSION }), createWriteStream(tmp));
    else await pipeline(source, createWriteStream(tmp));
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
