import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { validateHeader, validateSample } from '../../../src/trace/validate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = join(root, 'bench', 'traces');

function traces(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return traces(p);
    return name.endsWith('.jsonl.gz') ? [p] : [];
  });
}

const files = traces(dir).sort();
const readme = readFileSync(join(dir, 'README.md'), 'utf8');

test('the bundled traces are there and small', () => {
  assert.ok(files.length >= 5, files.join(', '));
  const total = files.reduce((a, f) => a + statSync(f).size, 0);
  assert.ok(total < 5e6, `${total} bytes`);
});

for (const file of files) {
  const rel = relative(dir, file);
  test(`${rel}: header with provenance, samples valid and sorted by t`, () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
    const header: unknown = JSON.parse(lines[0] ?? '');
    const h = validateHeader(header);
    assert.ok(h.ok, JSON.stringify(h));
    for (const k of ['name', 'source', 'license']) assert.ok(String(h.value[k]).length > 0, k);
    assert.equal(h.value.intervalSeconds, 1);
    const generatedBy = String(h.value.generatedBy);
    assert.match(generatedBy, /^burstguard trace (import|synth) /);
    assert.ok(generatedBy.includes(`--out bench/traces/${rel}`), 'the command regenerates this very file');
    assert.ok(readme.includes(rel), 'listed in bench/traces/README.md');
    let lastT = 0;
    const lastBySession = new Map<string, number>();
    for (let i = 1; i < lines.length; i++) {
      const v = validateSample(JSON.parse(lines[i] ?? ''));
      assert.ok(v.ok, `line ${i + 1}: ${JSON.stringify(v)}`);
      const s = v.value;
      assert.ok(s.t >= lastT, `line ${i + 1}: t goes back`);
      assert.ok(s.t > (lastBySession.get(s.session) ?? -1), `line ${i + 1}: session time goes back`);
      lastT = s.t;
      lastBySession.set(s.session, s.t);
    }
    assert.ok(lines.length > 1000);
  });
}

test('GPL-2.0 data keeps its licence notice and citation in its folder', () => {
  const folder = join(dir, 'agentcgroup');
  assert.ok(existsSync(join(folder, 'LICENSE')));
  const notice = readFileSync(join(folder, 'README.md'), 'utf8');
  assert.match(notice, /GPL-2\.0/);
  assert.match(notice, /2602\.09345/);
});
