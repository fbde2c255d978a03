// Property: whatever valid samples the writer is given, the reader gives back exactly them
// (values, order, absent optional fields), plain or gzip.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readTrace } from '../../../src/trace/reader.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { writeTrace } from '../../../src/trace/writer.js';
import { HEADER } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

const nonNeg = fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const count = fc.nat({ max: 1000 });

const draft = fc.record(
  {
    session: fc.constantFrom('a', 'b', 'task-17', 'ünï/€'),
    dt: fc.double({ min: 0.001, max: 100, noNaN: true }),
    memBytes: nonNeg,
    cpuCores: nonNeg,
    contextTokens: nonNeg,
    toolCalls: count,
    toolRetries: count,
    toolErrors: count,
    tool: fc.string(),
    agentClass: fc.string({ minLength: 1 }),
  },
  { requiredKeys: ['session', 'dt', 'memBytes', 'cpuCores'] },
);

/** Turns drafts into a valid trace: each session's t strictly increases. */
function toSamples(drafts: ReadonlyArray<{ session: string; dt: number } & Record<string, unknown>>): TraceSample[] {
  const last = new Map<string, number>();
  return drafts.map(({ dt, ...rest }) => {
    const t = (last.get(rest.session) ?? 0) + dt;
    last.set(rest.session, t);
    return { ...rest, t } as unknown as TraceSample;
  });
}

describe('trace writer/reader round trip (property)', () => {
  it('reads back exactly what was written', async (t) => {
    const dir = tempDir(t);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { maxLength: 30 }), fc.boolean(), async (drafts, gz) => {
        const samples = toSamples(drafts);
        const path = join(dir, `p${n++}.jsonl${gz ? '.gz' : ''}`);
        await writeTrace(path, HEADER, samples);
        const back: TraceSample[] = [];
        for await (const s of (await readTrace(path)).samples) back.push(s);
        assert.deepEqual(back, samples);
      }),
      { numRuns: 60 },
    );
  });
});
