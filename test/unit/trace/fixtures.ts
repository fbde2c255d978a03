// Small builders shared by the trace tests: a valid header, valid samples, and temp files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TraceHeader } from '../../../src/trace/types.js';

export const HEADER: TraceHeader = { format: 'burstguard-trace', version: 1, name: 'tiny', source: 'test', license: 'MIT', intervalSeconds: 1 };

export function sampleJson(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ session: 'a', t: 1, memBytes: 1000, cpuCores: 0.5, ...over });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bg-trace-'));
}

/** Writes lines (header first unless given) to a fresh file; gzip when the name ends in .gz. */
export function traceFile(name: string, lines: readonly string[], dir = tempDir()): string {
  const path = join(dir, name);
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
