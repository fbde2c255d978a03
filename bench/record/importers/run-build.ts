/**
 * The part of `trace import` / `trace synth` after argument parsing: build, write, report. Kept here
 * so both commands share it and the CLI modules stay argument-parsing only.
 */
import { writeTrace } from '../../../src/trace/writer.js';
import type { CliIo } from '../../../src/cli/io.js';
import type { Result } from '../../../src/core/result.js';
import { meanConcurrency } from './arrivals.js';
import type { BuiltTrace } from './build-trace.js';

/** Quotes an argument for the recorded command line when it needs it. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line recorded in the header's `generatedBy`. */
export function commandLine(subcommand: string, argv: readonly string[]): string {
  return ['burstguard', subcommand, ...argv.map(shellWord)].join(' ');
}

/** Writes a built trace and prints a one-line summary; exit code 1 on failure. */
export async function writeBuilt(built: Result<BuiltTrace>, out: string, io: CliIo): Promise<number> {
  if (!built.ok) {
    io.stderr.write(`burstguard: ${built.error.message}\n`);
    return 1;
  }
  const { header, samples, sessions } = built.value;
  try {
    await writeTrace(out, header, samples);
  } catch (e: unknown) {
    io.stderr.write(`burstguard: ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const span = samples[samples.length - 1]?.t ?? 0;
  io.stdout.write(`${out}: ${header.name}: ${sessions} sessions, ${samples.length} samples, ${Math.round(span)} s, mean concurrency ${meanConcurrency(samples).toFixed(1)}\n`);
  return 0;
}
