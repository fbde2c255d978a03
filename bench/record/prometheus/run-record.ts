/**
 * The part of `trace record` after argument parsing: connect as the controller would (CA file, skip
 * verify, bearer token file re-read, per-query timeout), probe, record with a progress bar, report.
 */
import { fileTokenSource } from '../../../src/adapters/prometheus/token.js';
import type { RangeTarget } from '../../../src/adapters/prometheus/range-query.js';
import { createHttpGet } from '../../../src/adapters/prometheus/transport.js';
import type { CliIo } from '../../../src/cli/io.js';
import { ProgressBar } from '../../replay/progress.js';
import { probePrometheus } from './probe.js';
import { recordTrace, type RecordRequest } from './record.js';

const iso = (s: number): string => new Date(s * 1000).toISOString();

/** Runs a recording; exit 0 when written, 1 when Prometheus or the file failed (message on stderr). */
export async function runRecord(r: RecordRequest, io: CliIo): Promise<number> {
  const fail = (m: string): number => {
    io.stderr.write(`burstguard trace record: ${m}\n`);
    return 1;
  };
  const http = createHttpGet({ caFile: r.prometheus.caFile, insecureSkipVerify: r.prometheus.insecureSkipVerify });
  if (!http.ok) return fail(http.error);
  try {
    const tok = await fileTokenSource(r.prometheus.bearerTokenFile).current();
    if (!tok.ok) return fail(tok.error);
    const headers: Record<string, string> = tok.value !== '' ? { Authorization: `Bearer ${tok.value}` } : {};
    const target: RangeTarget = {
      base: r.prometheus.url.replace(/\/+$/, ''),
      get: http.value.get,
      headers,
      timeoutMs: r.prometheus.timeoutMs,
    };
    const probe = await probePrometheus(target, new AbortController().signal);
    if (!probe.ok) return fail(probe.error);
    if (!r.resume) io.stderr.write(`recording ${r.namespace} from ${target.base}: --from ${iso(r.window.fromS)} --to ${iso(r.window.toS)}, step ${r.window.stepS}s\n`);
    const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
    const result = await recordTrace(r, { target, ...(bar ? { onProgress: (d, n) => bar.update(`chunk ${Math.min(d + 1, n)}/${n}`, d / n) } : {}) });
    bar?.clear();
    if (!result.ok) return fail(result.error);
    const s = result.value;
    const resumed = s.resumedAfter > 0 ? `, resumed after chunk ${s.resumedAfter}` : '';
    io.stdout.write(`${r.out}: ${s.sessions} sessions (pods), ${s.samples} samples, ${iso(s.window.fromS)}..${iso(s.window.toS)} every ${s.window.stepS} s, ${s.chunks} chunks${resumed}\n`);
    return 0;
  } catch (e) {
    return fail(`${r.out}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    http.value.close();
  }
}
