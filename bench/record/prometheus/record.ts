/**
 * `burstguard trace record`: a namespace's agent pods, from Prometheus, into a trace v1 file. The
 * window is split into chunks of range queries (the controller's queries, see record-queries.ts),
 * each chunk joined by pod and time and appended to the file, so a day at 15 s is a few dozen small
 * answers and an interrupted recording resumes after its last complete chunk (chunk-file.ts).
 */
import { toolLabelOf } from '../../../src/adapters/prometheus/queries.js';
import type { RangeTarget } from '../../../src/adapters/prometheus/range-query.js';
import { SIGNALS } from '../../../src/adapters/prometheus/queries.js';
import type { PrometheusConfig } from '../../../src/config/types.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import type { TraceHeader } from '../../../src/trace/types.js';
import { validateHeader, validateSample } from '../../../src/trace/validate.js';
import { headerLine, sampleLine } from '../../../src/trace/writer.js';
import { appendChunk, discard, finish, loadProgress, resumeKey, saveProgress, startFile, type Progress, type RecordingKey } from './chunk-file.js';
import { fetchChunk, type ChunkRequest } from './fetch-chunk.js';
import { recordQueries } from './record-queries.js';
import { planChunks, type RecordWindow } from './window.js';

export interface RecordRequest {
  readonly prometheus: PrometheusConfig;
  readonly namespace: string;
  readonly window: RecordWindow;
  /** Grid points per chunk (at most 10,000: Prometheus caps an answer at 11,000 per series). */
  readonly chunkPoints: number;
  readonly out: string;
  readonly resume: boolean;
  readonly agentClass?: string;
  readonly generatedBy: string;
}

export interface RecordDeps {
  readonly target: RangeTarget;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface RecordSummary {
  readonly samples: number;
  readonly sessions: number;
  readonly chunks: number;
  readonly resumedAfter: number;
  readonly window: RecordWindow;
}

const iso = (s: number): string => new Date(s * 1000).toISOString();

function header(r: RecordRequest, w: RecordWindow): TraceHeader {
  const names = r.prometheus.metricNames;
  return {
    format: 'burstguard-trace',
    version: 1,
    name: `${r.namespace}-${iso(w.fromS).slice(0, 16)}`,
    source: `recorded from Prometheus ${r.prometheus.url}, namespace ${r.namespace}, ${iso(w.fromS)}..${iso(w.toS)} every ${w.stepS} s (memory and CPU: cAdvisor, summed over each pod's containers; agent series: ${names} names)`,
    license: 'own data (recorded from your cluster)',
    intervalSeconds: w.stepS,
    generatedBy: r.generatedBy,
    recordedFrom: iso(w.fromS),
    recordedTo: iso(w.toS),
    namespace: r.namespace,
    metricNames: names,
  };
}

function keyOf(r: RecordRequest, w: RecordWindow, queries: Readonly<Record<string, string>>): RecordingKey {
  return { url: r.prometheus.url, namespace: r.namespace, fromS: w.fromS, toS: w.toS, stepS: w.stepS, chunkPoints: r.chunkPoints, queries: SIGNALS.map((s) => queries[s] ?? '') };
}

/** Where to begin: a fresh file, or the saved progress of an interrupted one. */
async function begin(r: RecordRequest, queries: Readonly<Record<string, string>>): Promise<Result<Progress, string>> {
  if (r.resume) {
    const p = await loadProgress(r.out, resumeKey(keyOf(r, r.window, queries)));
    return typeof p === 'string' ? err(p) : ok(p);
  }
  const h = header(r, r.window);
  const checked = validateHeader(h);
  if (!checked.ok) return err(`header: ${checked.error.field}: ${checked.error.message}`);
  const bytes = await startFile(r.out, headerLine(h));
  const p: Progress = { version: 1, key: keyOf(r, r.window, queries), chunksDone: 0, bytes, samples: 0, sessions: [] };
  await saveProgress(r.out, p);
  return ok(p);
}

/** Records the window; the summary, or a readable error (the file and its progress are kept for --resume). */
export async function recordTrace(r: RecordRequest, deps: RecordDeps): Promise<Result<RecordSummary, string>> {
  const queries = recordQueries(r.prometheus, r.namespace, r.window.stepS);
  const started = await begin(r, queries);
  if (!started.ok) return started;
  let p = started.value;
  const window: RecordWindow = { fromS: p.key.fromS, toS: p.key.toS, stepS: p.key.stepS };
  const chunks = planChunks(window, r.chunkPoints);
  const req: ChunkRequest = {
    target: deps.target,
    queries,
    namespace: r.namespace,
    podLabel: r.prometheus.podLabel,
    toolLabel: toolLabelOf(r.prometheus),
    stepS: window.stepS,
    originS: window.fromS,
  };
  const sessions = new Set(p.sessions);
  const resumedAfter = p.chunksDone;
  for (const c of chunks.slice(p.chunksDone)) {
    deps.onProgress?.(c.index, chunks.length);
    const got = await fetchChunk(req, c, deps.signal ?? new AbortController().signal);
    if (!got.ok) return err(`chunk ${c.index + 1}/${chunks.length} (${iso(c.startS)}..${iso(c.endS)}): ${got.error}; ${c.index} complete chunks kept, run again with --resume to go on`);
    const lines: string[] = [];
    for (const s0 of got.value) {
      const s = r.agentClass !== undefined ? { ...s0, agentClass: r.agentClass } : s0;
      const v = validateSample(s);
      if (!v.ok) return err(`chunk ${c.index + 1}: pod ${s.session} at t=${s.t}: ${v.error.field}: ${v.error.message}`);
      lines.push(sampleLine(v.value));
      sessions.add(s.session);
    }
    const bytes = await appendChunk(r.out, lines, p.bytes);
    p = { ...p, chunksDone: c.index + 1, bytes, samples: p.samples + lines.length, sessions: [...sessions] };
    await saveProgress(r.out, p);
  }
  deps.onProgress?.(chunks.length, chunks.length);
  if (p.samples === 0) {
    await discard(r.out);
    return err(
      `Prometheus at ${r.prometheus.url} has no samples for namespace '${r.namespace}' between ${iso(window.fromS)} and ${iso(window.toS)} ` +
        `(memory and CPU come from cAdvisor's container_memory_working_set_bytes and container_cpu_usage_seconds_total with ${r.prometheus.namespaceLabel}="${r.namespace}"); ` +
        'check the namespace, the time range, and that the kubelet\'s cAdvisor endpoint is scraped',
    );
  }
  await finish(r.out);
  return ok({ samples: p.samples, sessions: sessions.size, chunks: chunks.length, resumedAfter, window });
}
