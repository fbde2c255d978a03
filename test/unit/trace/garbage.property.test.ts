// Property: whatever bytes arrive, the reader either accepts them as a valid trace or throws a
// TraceFormatError. Never another error type, never a crash or a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { TraceFormatError, parseTrace } from '../../../src/trace/reader.js';
import { HEADER, bytes } from './fixtures.js';

async function readAll(chunks: ReadonlyArray<Uint8Array | string>): Promise<'ok' | 'format-error'> {
  try {
    const t = await parseTrace(bytes(...chunks), 'garbage.jsonl');
    for await (const s of t.samples) {
      // Whatever is accepted must satisfy the format's own rules.
      assert.ok(s.t >= 0 && s.memBytes >= 0 && s.cpuCores >= 0 && Number.isFinite(s.t));
    }
    return 'ok';
  } catch (e) {
    if (e instanceof TraceFormatError) {
      assert.match(e.message, /^garbage\.jsonl:\d+: /);
      return 'format-error';
    }
    throw e;
  }
}

/** Splits bytes at arbitrary points, so chunk boundaries fall inside lines, UTF-8 sequences and gzip blocks. */
function chunked(b: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  out.push(b.subarray(prev));
  return out;
}

const jsonish = fc.oneof(
  fc.json(),
  fc.constantFrom('{', '}', '[]', 'null', '{"session":', '{"session":"a","t":1e999,"memBytes":0,"cpuCores":0}', '\u0000', '\uFFFD'),
  fc.record({
    session: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    t: fc.oneof(fc.double(), fc.integer({ min: -5, max: 50 }), fc.string()),
    memBytes: fc.oneof(fc.double(), fc.nat(), fc.constant(undefined)),
    cpuCores: fc.oneof(fc.double({ noNaN: true }), fc.nat()),
    toolCalls: fc.oneof(fc.constant(undefined), fc.double(), fc.nat()),
  }).map((r) => JSON.stringify(r)),
);

const garbageText = fc.oneof(
  fc.array(jsonish, { maxLength: 12 }).map((ls) => ls.join('\n')),
  fc.array(jsonish, { maxLength: 12 }).map((ls) => [JSON.stringify(HEADER), ...ls].join('\n')),
);

describe('trace reader on random garbage', () => {
  it('random bytes: only TraceFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 4 }), async (b, cuts) => {
        await readAll(chunked(b, cuts));
      }),
      { numRuns: 300 },
    );
  });

  it('random JSON-ish lines, plain and gzip, whole and truncated', async () => {
    await fc.assert(
      fc.asyncProperty(garbageText, fc.boolean(), fc.option(fc.nat()), fc.array(fc.nat(), { maxLength: 3 }), async (text, gz, cut, cuts) => {
        let b: Uint8Array = gz ? gzipSync(text) : Buffer.from(text, 'utf8');
        if (cut !== null) b = b.subarray(0, cut % (b.length + 1));
        await readAll(chunked(b, cuts));
      }),
      { numRuns: 300 },
    );
  });

  it('gzip magic followed by random bytes: only TraceFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        const r = await readAll([Uint8Array.from([0x1f, 0x8b, ...b])]);
        assert.equal(r, 'format-error');
      }),
      { numRuns: 200 },
    );
  });

  it('a line with no end is refused without buffering it all', async () => {
    const big = 'x'.repeat(64 * 1024);
    const chunks = Array.from({ length: 20 }, () => big);
    assert.equal(await readAll(chunks), 'format-error');
  });
});
