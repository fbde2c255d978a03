import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRangeResponse, type Series } from '../../../src/adapters/prometheus/response.js';
import { eachSeries } from '../../../src/adapters/prometheus/series-stream.js';

// eachSeries splits Prometheus's compact answers at the series boundaries; it must decode exactly what
// parseRangeResponse decodes, and fail with the same message, whatever the label values hold.
function collect(status: number, body: string): { ok: true; value: Series[] } | { ok: false; error: string } {
  const out: Series[] = [];
  const r = eachSeries(status, body, (s) => out.push(s));
  if (!r.ok) return r;
  assert.equal(r.value, out.length);
  return { ok: true, value: out };
}

const answer = (result: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, ...extra });

test('any label values and samples: the same series as parseRangeResponse', () => {
  const labelValue = fc.oneof(fc.string(), fc.constantFrom(',{"metric":', ']]}]', '"}]', '\\', '{"a":[1]}', 'é∑\u0000'));
  const series = fc.record({
    metric: fc.dictionary(fc.constantFrom('pod', 'tool', 'id', 'a"b', '__name__'), labelValue),
    values: fc.array(fc.tuple(fc.integer({ min: 0, max: 2e9 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)), { minLength: 1, maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.array(series, { maxLength: 6 }), fc.boolean(), (result, warnings) => {
      const body = answer(result, warnings ? { warnings: ['a "quoted" ]]}] warning'] } : {});
      assert.deepEqual(collect(200, body), parseRangeResponse(200, body));
    }),
    { numRuns: 300 },
  );
});

test('other shapes go through the whole-body path, with its checks and messages', () => {
  const s = { metric: { pod: 'a' }, values: [[1, '2']] };
  const bodies: ReadonlyArray<readonly [number, string]> = [
    [200, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [s, s] } }, null, 1)], // whitespace
    [200, JSON.stringify({ data: { result: [s], resultType: 'matrix' }, status: 'success' })], // key order
    [200, answer([])],
    [200, answer([s]).slice(0, -3)], // cut short
    [200, `${answer([s, s]).slice(0, -4)},]}}`], // a trailing comma
    [200, answer([s, { metric: { pod: 'b' }, values: [[1, 'NaN']] }])], // bad value in the second series
    [200, answer([s, { metric: { pod: 'b' } }])], // no values
    [200, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[1,"2"]]},{"metric":{"pod":"b"},"values":[[1,"2"]}]}}'],
    [500, answer([s])],
    [422, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' })],
    [200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })],
  ];
  for (const [status, body] of bodies) assert.deepEqual(collect(status, body), parseRangeResponse(status, body), body);
});
