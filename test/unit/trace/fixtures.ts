// Small builders shared by the trace tests: a valid header, valid samples, and trace files in temp folders.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TraceHeader } from '../../../src/trace/types.js';
import { dirOf, type TempOwner } from '../../support/temp-dir.js';

export const HEADER: TraceHeader = { format: 'burstguard-trace', version: 1, name: 'tiny', source: 'test', license: 'MIT', intervalSeconds: 1 };

export function sampleJson(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ session: 'a', t: 1, memBytes: 1000, cpuCores: 0.5, ...over });
}

/**
 * Writes lines (header first unless given) to a file in folder `at`, or in a fresh temp folder that
 * test `at` removes when done; gzip when the name ends in .gz.
 */
export function traceFile(name: string, lines: readonly string[], at: string | TempOwner): string {
  const path = join(dirOf(at, 'bg-trace-'), name);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

export async function* bytes(...chunks: ReadonlyArray<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}
