import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCpu, formatMemory, parseCpuCores, parseMemoryBytes, parseQuantity } from '../../../src/config/quantity.js';

test('parseQuantity reads Kubernetes suffixes and exponents', () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ['0', 0],
    ['2', 2],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['250m', 0.25],
    ['100u', 1e-4],
    ['1k', 1000],
    ['1M', 1e6],
    ['2G', 2e9],
    ['1Ki', 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1e3', 1000],
    ['2E6', 2e6],
    [' 64Mi ', 64 * 2 ** 20],
  ];
  for (const [text, want] of cases) {
    const r = parseQuantity(text);
    assert.ok(r.ok, text);
    assert.ok(Math.abs(r.value - want) <= 1e-12 * Math.max(1, want), `${text}: ${r.value} vs ${want}`);
  }
});

test('parseQuantity rejects what is not a quantity', () => {
  for (const bad of ['', 'Mi', '1Zi', '1 Gi', '1mi', 'abc', '1.2.3', '1Gi5', '1e']) {
    const r = parseQuantity(bad);
    assert.equal(r.ok, false, bad);
  }
});

test('memory is whole non-negative bytes, numbers taken as bytes', () => {
  assert.deepEqual(parseMemoryBytes('0.5Ki'), { ok: true, value: 512 });
  assert.deepEqual(parseMemoryBytes('1.1'), { ok: true, value: 2 });
  assert.deepEqual(parseMemoryBytes(1024), { ok: true, value: 1024 });
  assert.equal(parseMemoryBytes('-1Mi').ok, false);
  assert.equal(parseMemoryBytes(Number.NaN).ok, false);
});

test('cpu is cores, millicores allowed, never negative', () => {
  assert.deepEqual(parseCpuCores('250m'), { ok: true, value: 0.25 });
  assert.deepEqual(parseCpuCores(2), { ok: true, value: 2 });
  assert.equal(parseCpuCores('-100m').ok, false);
});

test('format → parse round-trips memory and cpu', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (bytes) => {
      const r = parseMemoryBytes(formatMemory(bytes));
      return r.ok && r.value === bytes;
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 64_000 }), (milli) => {
      const r = parseCpuCores(formatCpu(milli / 1000));
      return r.ok && Math.abs(r.value - milli / 1000) < 1e-9;
    }),
  );
  assert.equal(formatMemory(512 * 2 ** 20), '512Mi');
  assert.equal(formatCpu(0.25), '250m');
});
