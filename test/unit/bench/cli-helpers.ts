// Shared by the bench CLI tests: a captured CliIo and a tiny inline trace written to a temp file.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/io.js';
import { dirOf, type TempOwner } from '../../support/temp-dir.js';

export interface Captured {
  readonly io: CliIo;
  readonly out: () => string;
  readonly err: () => string;
}

export function capture(stderrIsTty = false): Captured {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stderrIsTty }, out: () => out, err: () => err };
}

const MiB = 2 ** 20;

/**
 * Four short sessions (3 to 6 minutes at 5 s) with a tool burst each, one of them above the default
 * 2 GiB limit, so static gets killed and the policies have something to do. Deterministic. Written to
 * folder `at`, or to a fresh temp folder that test `at` removes when done.
 */
export function tinyTrace(at: string | TempOwner): string {
  const dir = dirOf(at, 'bg-bench-');
  const lines = [JSON.stringify({ format: 'burstguard-trace', version: 1, name: 'tiny', source: 'inline test trace', license: 'CC0-1.0', intervalSeconds: 5 })];
  const samples: Array<{ session: string; t: number; memBytes: number; cpuCores: number; tool?: string }> = [];
  for (let s = 0; s < 4; s++) {
    const start = s * 40;
    const len = 180 + s * 60;
    for (let t = 0; t <= len; t += 5) {
      const burst = t > len / 2 && t < len / 2 + 40;
      const mem = (300 + s * 80 + t) * MiB + (burst ? (s === 3 ? 2200 : 700) * MiB : 0);
      samples.push({ session: `task-${s}`, t: start + t, memBytes: mem, cpuCores: burst ? 0.9 : 0.2, ...(burst ? { tool: 'Bash:test' } : {}) });
    }
  }
  samples.sort((a, b) => a.t - b.t || (a.session < b.session ? -1 : 1));
  for (const x of samples) lines.push(JSON.stringify(x));
  const path = join(dir, 'tiny.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** `burstguard ARGS` as a separate process (as a Job's pod would run it): exit code and stderr. */
export function cliProcess(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) => resolve({ code, err }));
  });
}
