import { TraceFormatError, scanTrace } from '../trace/reader.js';
import type { CliIo } from './io.js';

const usage = 'usage: burstguard trace validate FILE...  (trace format v1, .jsonl or .jsonl.gz; see docs/trace-format.md)\n';

/** `1h02m03s`-style duration, for people reading the summary. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(r).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/**
 * `burstguard trace validate FILE...`: reads every line of every file, prints one summary line per
 * valid file on stdout and the located error (`file:line: field: what is wrong`) per invalid one on
 * stderr. Exit 0 when all are valid, 2 when any is not (or no file was named).
 */
export async function traceValidateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(usage);
    return 0;
  }
  const unknownFlag = argv.find((a) => a.startsWith('-'));
  if (unknownFlag !== undefined) {
    io.stderr.write(`burstguard trace validate: unknown option '${unknownFlag}'\n${usage}`);
    return 2;
  }
  if (argv.length === 0) {
    io.stderr.write(`burstguard trace validate: no file named\n${usage}`);
    return 2;
  }
  let bad = 0;
  for (const file of argv) {
    try {
      const s = await scanTrace(file);
      const span = s.lastT - s.firstT;
      for (const w of s.warnings) io.stderr.write(`warning: ${w}\n`);
      if (s.samples === 0) io.stderr.write(`warning: ${file}: the trace has a header but no samples: a bench would have nothing to replay\n`);
      io.stdout.write(
        `${file}: ok: "${s.header.name}" (${s.header.license}), ${s.sessions} sessions, ${s.samples} samples, ` +
          `duration ${formatDuration(span)} (t ${s.firstT}..${s.lastT} s), interval ${s.header.intervalSeconds} s\n`,
      );
    } catch (e) {
      if (!(e instanceof TraceFormatError)) throw e;
      bad += 1;
      io.stderr.write(`${e.message}\n`);
    }
  }
  return bad > 0 ? 2 : 0;
}
