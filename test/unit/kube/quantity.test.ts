import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatCpu, formatMemory, parseQuantity } from '../../../src/adapters/kube/quantity.js';

test('parseQuantity reads every suffix Kubernetes writes', () => {
  const cases: Array<[string, number]> = [
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['100n', 1e-7],
    ['5u', 5e-6],
    ['2k', 2000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['64Ki', 65536],
    ['1Ti', 2 ** 40],
    ['2e3', 2000],
    ['1E3', 1000],
    ['1E', 1e18],
    ['.5', 0.5],
    ['536870912', 536870912],
  ];
  for (const [q, want] of cases) {
    const got = parseQuantity(q);
    assert.ok(got !== undefined && Math.abs(got - want) <= Math.abs(want) * 1e-12, `${q} → ${got}, want ${want}`);
  }
});

test('parseQuantity refuses malformed text instead of returning NaN', () => {
  for (const q of ['', 'abc', '1Mb', '1.2.3', 'Mi', '1 Gi', '--1']) assert.equal(parseQuantity(q), undefined, q);
  assert.equal(parseQuantity(undefined), undefined);
});

test('formatCpu rounds up to millicores; formatMemory picks an exact binary suffix', () => {
  assert.equal(formatCpu(0.25), '250m');
  assert.equal(formatCpu(0.2501), '251m');
  assert.equal(formatCpu(2), '2');
  assert.equal(formatMemory(512 * 2 ** 20), '512Mi');
  assert.equal(formatMemory(2 ** 30), '1Gi');
  assert.equal(formatMemory(1000.2), '1001');
});

test('format then parse never loses capacity (round trip is ≥ the input)', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 64, noNaN: true }), fc.double({ min: 1, max: 2 ** 40, noNaN: true }), (cpu, mem) => {
      const c = parseQuantity(formatCpu(cpu));
      const m = parseQuantity(formatMemory(mem));
      assert.ok(c !== undefined && c >= cpu - 1e-9 && c - cpu < 0.001 + 1e-9);
      assert.ok(m !== undefined && m >= mem - 1e-6 && m - mem < 1 + 1e-6);
    }),
  );
});
