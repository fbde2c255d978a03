import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TraceFormatError, readTrace, scanTrace } from '../../../src/trace/reader.js';
import { HEADER, sampleJson, traceFile } from './fixtures.js';

const H = JSON.stringify(HEADER);

/** Reads the whole file and returns the TraceFormatError it must raise. */
async function failure(path: string): Promise<TraceFormatError> {
  try {
    await scanTrace(path);
  } catch (e) {
    assert.ok(e instanceof TraceFormatError, `expected TraceFormatError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${path} was accepted`);
}

interface Case {
  readonly name: string;
  readonly lines: readonly string[];
  readonly line: number;
  readonly field: string | undefined;
  readonly says: RegExp;
}

// One row per malformation: which line and field the error must name, and what it must say.
const cases: readonly Case[] = [
  { name: 'bad JSON in a sample', lines: [H, sampleJson(), '{"session":"a","t":2,'], line: 3, field: undefined, says: /not valid JSON/ },
  { name: 'bad JSON in the header', lines: ['{format: burstguard'], line: 1, field: undefined, says: /not valid JSON/ },
  { name: 'missing session', lines: [H, JSON.stringify({ t: 1, memBytes: 1, cpuCores: 1 })], line: 2, field: 'session', says: /missing/ },
  { name: 'missing memBytes', lines: [H, sampleJson(), JSON.stringify({ session: 'a', t: 2, cpuCores: 1 })], line: 3, field: 'memBytes', says: /missing/ },
  { name: 'missing t', lines: [H, JSON.stringify({ session: 'a', memBytes: 1, cpuCores: 1 })], line: 2, field: 't', says: /missing/ },
  { name: 'negative memBytes', lines: [H, sampleJson({ memBytes: -5 })], line: 2, field: 'memBytes', says: />= 0, got -5/ },
  { name: 'negative cpuCores', lines: [H, sampleJson({ cpuCores: -0.1 })], line: 2, field: 'cpuCores', says: />= 0/ },
  { name: 'negative t', lines: [H, sampleJson({ t: -1 })], line: 2, field: 't', says: />= 0/ },
  { name: 'negative toolRetries', lines: [H, sampleJson({ toolRetries: -1 })], line: 2, field: 'toolRetries', says: />= 0/ },
  { name: 'fractional toolCalls', lines: [H, sampleJson({ toolCalls: 1.5 })], line: 2, field: 'toolCalls', says: /whole count/ },
  { name: 'string memBytes', lines: [H, sampleJson({ memBytes: '1Gi' })], line: 2, field: 'memBytes', says: /expected a number/ },
  { name: 'null contextTokens', lines: [H, sampleJson({ contextTokens: null })], line: 2, field: 'contextTokens', says: /got null/ },
  { name: 'infinite memBytes', lines: [H, '{"session":"a","t":1,"memBytes":1e999,"cpuCores":1}'], line: 2, field: 'memBytes', says: /finite/ },
  { name: 'numeric tool', lines: [H, sampleJson({ tool: 3 })], line: 2, field: 'tool', says: /expected a string/ },
  { name: 'sample is an array', lines: [H, '[1,2]'], line: 2, field: undefined, says: /JSON object/ },
  { name: 'time going backwards', lines: [H, sampleJson({ t: 5 }), sampleJson({ session: 'b', t: 1 }), sampleJson({ t: 4 })], line: 4, field: 't', says: /not after .*t=5 \(line 2\)/ },
  { name: 'repeated t in a session', lines: [H, sampleJson({ t: 5 }), sampleJson({ t: 5 })], line: 3, field: 't', says: /not after/ },
  { name: 'unknown version', lines: [JSON.stringify({ ...HEADER, version: 2 })], line: 1, field: 'version', says: /unknown version 2/ },
  { name: 'wrong format', lines: [JSON.stringify({ ...HEADER, format: 'csv' })], line: 1, field: 'format', says: /burstguard-trace/ },
  { name: 'missing license', lines: [JSON.stringify({ ...HEADER, license: undefined })], line: 1, field: 'license', says: /missing/ },
  { name: 'zero interval', lines: [JSON.stringify({ ...HEADER, intervalSeconds: 0 })], line: 1, field: 'intervalSeconds', says: /> 0/ },
  { name: 'blank lines keep their numbers', lines: ['', H, '', sampleJson({ memBytes: -1 })], line: 4, field: 'memBytes', says: />= 0/ },
];

describe('trace reader: each malformation names file, line and field', () => {
  for (const c of cases) {
    for (const ext of ['jsonl', 'jsonl.gz']) {
      it(`${c.name} (.${ext})`, async (t) => {
        const path = traceFile(`bad.${ext}`, c.lines, t);
        const e = await failure(path);
        assert.equal(e.traceError.file, path);
        assert.equal(e.traceError.line, c.line);
        assert.equal(e.traceError.field, c.field);
        assert.match(e.traceError.message, c.says);
        assert.ok(e.message.startsWith(`${path}:${c.line}: ${c.field ?? '(line)'}: `), e.message);
      });
    }
  }

  it('an empty file asks for the header', async (t) => {
    const e = await failure(traceFile('empty.jsonl', [], t));
    assert.equal(e.traceError.line, 1);
    assert.match(e.message, /empty file/);
  });

  it('a truncated gzip fails at the line it was reading, field gzip', async (t) => {
    const lines = [H, ...Array.from({ length: 2000 }, (_, i) => sampleJson({ t: i, memBytes: (i * 7919) % 100003 }))];
    const path = traceFile('trunc.jsonl.gz', lines, t);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const e = await failure(path);
    assert.equal(e.traceError.field, 'gzip');
    assert.match(e.message, /truncated/);
    assert.ok(e.traceError.line > 1 && e.traceError.line <= lines.length, `line ${e.traceError.line}`);
  });

  it('a corrupt gzip body fails with field gzip', async (t) => {
    const path = traceFile('corrupt.jsonl.gz', [H, sampleJson()], t);
    const b = readFileSync(path);
    for (let i = 12; i < b.length - 8; i++) b[i] = 0xff;
    writeFileSync(path, b);
    const e = await failure(path);
    assert.equal(e.traceError.field, 'gzip');
  });

  it('a missing file is a TraceFormatError naming the file', async () => {
    const e = await failure('/nonexistent/dir/trace.jsonl');
    assert.equal(e.traceError.field, 'file');
    assert.match(e.message, /^\/nonexistent\/dir\/trace\.jsonl:/);
  });

  it('stops at the first error: samples before it were valid, none after it is yielded', async (t) => {
    const path = traceFile('stop.jsonl', [H, sampleJson({ t: 1 }), sampleJson({ t: 2, cpuCores: 'x' }), sampleJson({ t: 3 })], t);
    const { samples } = await readTrace(path);
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const s of samples) seen.push(s.t);
    }, TraceFormatError);
    assert.deepEqual(seen, [1]);
  });
});
