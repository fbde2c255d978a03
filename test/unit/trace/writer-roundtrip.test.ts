import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { TraceFormatError, openTraceSource, parseTrace, readTrace } from '../../../src/trace/reader.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { writeTrace } from '../../../src/trace/writer.js';
import { HEADER, bytes } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

const samples: TraceSample[] = [
  { session: 'a', t: 0, memBytes: 100, cpuCores: 0.1 },
  { session: 'b', t: 0.5, memBytes: 2e9, cpuCores: 1.25, contextTokens: 22150, toolCalls: 1, toolRetries: 0, toolErrors: 0, tool: 'Bash:test', agentClass: 'swe' },
  { session: 'a', t: 1, memBytes: 150, cpuCores: 0, contextTokens: 0 },
];

async function collect(it: AsyncIterable<TraceSample>): Promise<TraceSample[]> {
  const out: TraceSample[] = [];
  for await (const s of it) out.push(s);
  return out;
}

describe('trace writer -> reader', () => {
  for (const name of ['rt.jsonl', 'rt.jsonl.gz']) {
    it(`round-trips header extras and optional fields exactly (${name})`, async (t) => {
      const path = join(tempDir(t), name);
      const header = { ...HEADER, generatedBy: 'burstguard trace synth --seed 1' };
      await writeTrace(path, header, samples);
      const back = await readTrace(path);
      assert.deepEqual(back.header, header);
      const got = await collect(back.samples);
      assert.deepEqual(got, samples);
      // Absent stays absent: no zero-filled optional fields.
      assert.equal('contextTokens' in got[0]!, false);
    });
  }

  it('writes the same bytes twice (deterministic gzip)', async (t) => {
    const dir = tempDir(t);
    await writeTrace(join(dir, 'x.jsonl.gz'), HEADER, samples);
    await writeTrace(join(dir, 'y.jsonl.gz'), HEADER, samples);
    assert.deepEqual(readFileSync(join(dir, 'x.jsonl.gz')), readFileSync(join(dir, 'y.jsonl.gz')));
    const text = gunzipSync(readFileSync(join(dir, 'x.jsonl.gz'))).toString('utf8');
    assert.ok(text.startsWith('{"format":"burstguard-trace","version":1,"name":"tiny"'), text.slice(0, 80));
  });

  it('accepts an async iterable of samples', async (t) => {
    const path = join(tempDir(t), 'async.jsonl');
    async function* gen(): AsyncGenerator<TraceSample> {
      for (const s of samples) yield await Promise.resolve(s);
    }
    await writeTrace(path, HEADER, gen());
    assert.deepEqual(await collect((await readTrace(path)).samples), samples);
  });

  it('refuses to write an invalid sample and leaves no file', async (t) => {
    const path = join(tempDir(t), 'bad.jsonl');
    await assert.rejects(writeTrace(path, HEADER, [samples[0]!, { ...samples[0]!, t: -1 }]), (e: unknown) => {
      assert.ok(e instanceof TraceFormatError);
      assert.equal(e.traceError.line, 3);
      assert.equal(e.traceError.field, 't');
      return true;
    });
    assert.throws(() => readFileSync(path));
  });

  it('ignores unknown fields and detects gzip by content, not name', async () => {
    const { gzipSync } = await import('node:zlib');
    const text = `${JSON.stringify(HEADER)}\n{"session":"a","t":1,"memBytes":5,"cpuCores":1,"gpu":3}\n`;
    const gz = gzipSync(text);
    const t = await parseTrace(bytes(gz.subarray(0, 1), gz.subarray(1)), 'stdin');
    assert.deepEqual(await collect(t.samples), [{ session: 'a', t: 1, memBytes: 5, cpuCores: 1 }]);
  });

  it('reads a file that starts with a UTF-8 byte-order mark and has CRLF line ends', async () => {
    const text = `\uFEFF${JSON.stringify(HEADER)}\r\n{"session":"a","t":1,"memBytes":5,"cpuCores":1}\r\n`;
    const t = await parseTrace(bytes(Buffer.from(text, 'utf8')), 'bom.jsonl');
    assert.equal(t.header.name, 'tiny');
    assert.deepEqual(await collect(t.samples), [{ session: 'a', t: 1, memBytes: 5, cpuCores: 1 }]);
  });

  it('a trace source re-opens the file for each pass', async (t) => {
    const path = join(tempDir(t), 'src.jsonl.gz');
    await writeTrace(path, HEADER, samples);
    const src = await openTraceSource(path);
    assert.equal(src.header.name, 'tiny');
    assert.equal((await collect(src.open())).length, 3);
    assert.equal((await collect(src.open())).length, 3);
  });
});
