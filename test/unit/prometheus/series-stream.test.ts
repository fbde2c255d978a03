import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import fc from 'fast-check';
import { parseRangeResponse, type Series } from '../../../src/adapters/prometheus/response.js';
import { SeriesDecoder } from '../../../src/adapters/prometheus/series-stream.js';
import { createHttpGet } from '../../../src/adapters/prometheus/transport.js';

// SeriesDecoder decodes an answer while it arrives: whatever the chunks, it must give exactly what
// parseRangeResponse gives on the whole body, series and error messages alike.
type Decoded = { ok: true; value: Series[] } | { ok: false; error: string };

function decodeChunks(status: number, chunks: readonly string[]): Decoded {
  const out: Series[] = [];
  const d = new SeriesDecoder(status, (s) => out.push(s));
  for (const c of chunks) d.write(c);
  const r = d.end();
  if (!r.ok) return r;
  assert.equal(r.value, out.length);
  return { ok: true, value: out };
}

/** `body` cut at the given positions (any order, duplicates allowed: empty chunks too). */
function cutAt(body: string, cuts: readonly number[]): string[] {
  const at = [...cuts.map((c) => c % (body.length + 1)), body.length].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(body.slice(from, c));
    from = c;
  }
  return out;
}

const answer = (result: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, ...extra });

const labelValue = fc.oneof(fc.string(), fc.constantFrom(',{"metric":', ']]}]', '"}]', '\\', '{"a":[1]}', 'é∑\u0000'));
const seriesArb = fc.record({
  metric: fc.dictionary(fc.constantFrom('pod', 'tool', 'id', 'a"b', '__name__'), labelValue),
  values: fc.array(fc.tuple(fc.integer({ min: 0, max: 2e9 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)), { minLength: 1, maxLength: 4 }),
});

test('any series, any chunks: the same series as parseRangeResponse on the whole body', () => {
  fc.assert(
    fc.property(fc.oneof(fc.array(seriesArb, { maxLength: 6 }), fc.array(seriesArb, { minLength: 60, maxLength: 200 })), fc.boolean(), fc.array(fc.nat(), { maxLength: 30 }), (result, warnings, cuts) => {
      const body = answer(result, warnings ? { warnings: ['a "quoted" ]]}] warning', ',{"metric":{}'] } : {});
      assert.deepEqual(decodeChunks(200, cutAt(body, cuts)), parseRangeResponse(200, body));
    }),
    { numRuns: 300 },
  );
});

test('malformed answers, cut anywhere: the same error as parseRangeResponse', () => {
  const s = { metric: { pod: 'a' }, values: [[1, '2']] };
  const many = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ metric: { pod: `p${i}` }, values: [[i, String(i)]] }));
  const bodies: ReadonlyArray<readonly [number, string]> = [
    [200, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [s, s] } }, null, 1)], // whitespace
    [200, JSON.stringify({ data: { result: [s], resultType: 'matrix' }, status: 'success' })], // key order
    [200, answer([])],
    [200, answer([], { warnings: ['x'], b: [1, { metric: 2 }] })], // a separator in the tail, no series
    [200, answer([s]).slice(0, -3)], // cut short
    [200, answer(many(200)).slice(0, -3)], // cut short after many groups
    [200, `${answer([s, s]).slice(0, -4)},]}}`], // a trailing comma
    [200, answer([s, { metric: { pod: 'b' }, values: [[1, 'NaN']] }])], // bad value in the second series
    [200, answer([...many(100), { metric: { pod: 'b' }, values: [[1, 'x']] }, ...many(100)])], // bad value in a middle group
    [200, `${answer([...many(100), { metric: { pod: 'b' }, values: [[1, 'x']] }, ...many(100)]).slice(0, -2)}`], // ... and not JSON
    [200, answer([s, { metric: { pod: 'b' } }])], // no values
    // A separator nested in a series: within a group, and cutting the group of 64 in two (carried on).
    [200, answer([...many(70), { metric: { pod: 'x' }, values: [[1, '1']], extra: [0, { metric: 1 }] }, ...many(70)])],
    [200, answer([...many(63), { metric: { pod: 'x' }, values: [[1, '1']], extra: [0, { metric: 1 }] }, ...many(70)])],
    [200, answer([...many(63), { metric: { pod: 'x' }, values: [[1, '1']], extra: [0, { metric: 1 }] }])],
    [200, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[1,"2"]]},{"metric":{"pod":"b"},"values":[[1,"2"]}]}}'],
    [200, '{"status":"success","data":{"resultType":"matrix","result":[,{"metric":{"pod":"a"},"values":[[1,"2"]]}]}}'],
    [200, '{"status":"success","data":{"resultType":"matrix","result":['],
    [200, '{"status":"succ'],
    [200, ''],
    [500, answer([s])],
    [422, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' })],
    [200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })],
    [200, `${answer([s]).slice(0, -1)},"status":"error","errorType":"x","error":"late"}`], // a later status wins in JSON.parse
  ];
  for (const [status, body] of bodies) {
    const whole = parseRangeResponse(status, body);
    assert.deepEqual(decodeChunks(status, [body]), whole, body.slice(0, 200));
    for (const size of [1, 7, 64, 1000]) {
      const chunks = Array.from({ length: Math.ceil(body.length / size) }, (_, i) => body.slice(i * size, (i + 1) * size));
      assert.deepEqual(decodeChunks(status, chunks), whole, `${size}-character chunks of ${body.slice(0, 200)}`);
    }
  }
});

test('the transport streams the body to the sink, characters split across chunks intact', async () => {
  const body = answer(Array.from({ length: 300 }, (_, i) => ({ metric: { pod: `p${i}`, note: 'é∑😀'.repeat(i % 5) }, values: [[i, String(i / 7)]] })));
  const bytes = Buffer.from(body, 'utf8');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Odd-sized writes, so multi-byte characters straddle them.
    let at = 0;
    const next = (): void => {
      if (at >= bytes.length) {
        res.end();
        return;
      }
      res.write(bytes.subarray(at, at + 1001));
      at += 1001;
      setImmediate(next);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const http = createHttpGet({ caFile: '', insecureSkipVerify: false });
  assert.ok(http.ok);
  try {
    const pieces: string[] = [];
    let status = 0;
    const r = await http.value.get(new URL(`http://127.0.0.1:${port}/`), {}, new AbortController().signal, (s) => {
      status = s;
      return { write: (t) => pieces.push(t) };
    });
    assert.ok(r.ok);
    assert.equal(r.value.body, '');
    assert.equal(status, 200);
    assert.ok(pieces.length > 1, 'the body came in pieces');
    assert.equal(pieces.join(''), body);
    const whole = await http.value.get(new URL(`http://127.0.0.1:${port}/`), {}, new AbortController().signal);
    assert.ok(whole.ok);
    assert.equal(whole.value.body, body);
  } finally {
    http.value.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
