import { PassThrough, Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { TraceFormatError, traceFail } from './errors.js';

/** One line of a trace, numbered from 1 as an editor shows it. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/**
 * A line longer than this is not a trace line (random bytes without a newline would otherwise be
 * buffered whole): failing early keeps memory bounded however broken the input is.
 */
export const MAX_LINE_CHARS = 1 << 20;

const GZIP_MAGIC = [0x1f, 0x8b] as const;

type ByteSource = AsyncIterable<Uint8Array | string>;

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Peeks at the first two bytes and, when they are gzip's magic number, inflates the rest. The
 * extension is not trusted: a `.jsonl` that is really gzip (or the reverse) still reads.
 */
async function* maybeGunzip(source: ByteSource): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < GZIP_MAGIC.length) {
    const r = await it.next();
    if (r.done === true) break;
    const b = toBuffer(r.value);
    head.push(b);
    headLength += b.length;
  }
  const first = Buffer.concat(head);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield toBuffer(r.value);
    }
  }
  if (first[0] !== GZIP_MAGIC[0] || first[1] !== GZIP_MAGIC[1]) {
    yield* all();
    return;
  }
  // pipeline destroys every stage with the first error, so a truncated or corrupt stream (or a
  // failing source) surfaces as a rejected iteration below instead of an unhandled 'error' event.
  const out = new PassThrough();
  pipeline(Readable.from(all()), createGunzip(), out, () => undefined);
  for await (const chunk of out as AsyncIterable<Buffer>) yield chunk;
}

/** Names what went wrong below the line level (I/O or gzip), located at the line being read. */
function wrapStreamError(e: unknown, file: string, line: number): TraceFormatError {
  if (e instanceof TraceFormatError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const message = e instanceof Error ? e.message : String(e);
  if (code.startsWith('Z_') || code.startsWith('ERR_ZLIB') || /zlib|gzip|unexpected end of file|header check/i.test(message)) {
    return new TraceFormatError({ file, line, field: 'gzip', message: `corrupt or truncated gzip data: ${message}` });
  }
  return new TraceFormatError({ file, line, field: 'file', message: `cannot read: ${message}` });
}

/**
 * Splits a (possibly gzip-compressed) byte stream into numbered UTF-8 lines, streaming: memory is
 * bounded by the chunk size and the longest line. Lines come in batches (one per decoded chunk)
 * because an async step per line would cost more than parsing the line. A trailing `\r` is dropped
 * (CRLF files). Every failure, from I/O to gzip to an over-long line, is thrown as a TraceFormatError.
 */
export async function* readLineBatches(source: ByteSource, file: string): AsyncGenerator<NumberedLine[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let line = 1;
  try {
    for await (const chunk of maybeGunzip(source)) {
      partial += decoder.write(chunk);
      // A byte-order mark (editors on Windows write one) is not part of the header line.
      if (line === 1 && partial.charCodeAt(0) === 0xfeff) partial = partial.slice(1);
      const batch: NumberedLine[] = [];
      let start = 0;
      for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n', start)) {
        const end = nl > start && partial.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        batch.push({ text: partial.slice(start, end), line });
        line += 1;
        start = nl + 1;
      }
      partial = partial.slice(start);
      if (batch.length > 0) yield batch;
      if (partial.length > MAX_LINE_CHARS) traceFail(file, line, undefined, `line longer than ${MAX_LINE_CHARS} characters (not a trace line)`);
    }
    partial += decoder.end();
  } catch (e) {
    throw wrapStreamError(e, file, line);
  }
  if (partial.length > 0) yield [{ text: partial.endsWith('\r') ? partial.slice(0, -1) : partial, line }];
}

/** The same lines one at a time (convenient where speed does not matter). */
export async function* readLines(source: ByteSource, file: string): AsyncGenerator<NumberedLine> {
  for await (const batch of readLineBatches(source, file)) yield* batch;
}
