// README.md says, for every bundled trace, whether its memory series are measured or modelled.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../../', import.meta.url);

test('every bundled trace is in the README table of measured and modelled memory', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const rows = readme.split('\n').filter((l) => /^\| `.*\*\*(measured|modelled)\*\*/.test(l));
  const named = rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  const bundled = readdirSync(new URL('bench/traces/', root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl.gz'))
    .map((f) => f.replace(/\.jsonl\.gz$/, ''));
  assert.ok(bundled.length > 0);
  assert.deepEqual([...named].sort(), [...bundled].sort());
});
