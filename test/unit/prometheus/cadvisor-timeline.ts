import { createRng } from '../../../src/core/rng.js';
import { matrix, signalOf, type Handler } from './fake-prometheus.js';

/**
 * A Prometheus fed by a real kubelet's cAdvisor, as measured on a real node (../shared/reference/
 * real-node.md): container samples are stamped every 10–20 s whatever the scrape interval, and each
 * reaches Prometheus 0.5–5 s after its own timestamp. A sample is visible to a query only once it has
 * arrived (`now` ≥ stamp + delay). Range queries are evaluated as Prometheus does at each step
 * (max_over_time / rate over the bracketed range, nothing when the range holds too few samples);
 * instant queries of a range selector return the raw samples with their own timestamps.
 */
export interface RawSample {
  readonly pod: string;
  readonly tMs: number;
  readonly arrivesMs: number;
  readonly memBytes: number;
  /** Cumulative CPU seconds (the counter's value). */
  readonly cpuSeconds: number;
}

export interface Timeline {
  readonly samples: readonly RawSample[];
  /** The fake's present: what has arrived by now is visible. */
  nowMs: number;
  readonly handler: Handler;
}

export interface TimelineOptions {
  readonly pods: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly seed?: number;
  /** Memory of pod i at time t; a 100 → 400 MB ramp-ish default. */
  readonly memAt?: (pod: number, tMs: number) => number;
  /** CPU cores pod i uses (constant). */
  readonly cores?: (pod: number) => number;
}

export function cadvisorTimeline(o: TimelineOptions): Timeline {
  const rng = createRng(o.seed ?? 7);
  const memAt = o.memAt ?? ((i: number, t: number) => 100e6 + i * 1e6 + ((t - o.fromMs) / 1000) * 1e6);
  const cores = o.cores ?? ((i: number) => 0.2 + 0.1 * i);
  const samples: RawSample[] = [];
  for (let i = 0; i < o.pods; i++) {
    let t = o.fromMs + rng.next() * 10_000;
    while (t <= o.toMs) {
      const tMs = Math.round(t);
      samples.push({ pod: `agent-${i}`, tMs, arrivesMs: tMs + 500 + rng.next() * 4500, memBytes: memAt(i, tMs), cpuSeconds: ((tMs - o.fromMs) / 1000) * cores(i) });
      t += 10_000 + rng.next() * 10_000;
    }
  }
  const tl: Timeline = {
    samples,
    nowMs: o.fromMs,
    handler: (req) => {
      const visible = samples.filter((s) => s.arrivesMs <= tl.nowMs);
      const signal = signalOf(req.query);
      const rangeS = Number(/\[(\d+)s\]/.exec(req.query)?.[1] ?? '0');
      if (signal !== 'memory' && signal !== 'cpu') return matrix([]);
      if (req.path === '/api/v1/query') return rawAnswer(visible, signal, Number(req.params.get('time')) * 1000, rangeS);
      return rangeAnswer(visible, signal, req.params, rangeS);
    },
  };
  return tl;
}

function byPod(samples: readonly RawSample[]): Map<string, RawSample[]> {
  const m = new Map<string, RawSample[]>();
  for (const s of samples) {
    const l = m.get(s.pod);
    if (l) l.push(s);
    else m.set(s.pod, [s]);
  }
  for (const l of m.values()) l.sort((a, b) => a.tMs - b.tMs);
  return m;
}

const valueOf = (s: RawSample, signal: 'memory' | 'cpu'): number => (signal === 'memory' ? s.memBytes : s.cpuSeconds);

/** An instant query of a range selector: the raw samples in (time − range, time], cAdvisor's labels. */
function rawAnswer(visible: readonly RawSample[], signal: 'memory' | 'cpu', timeMs: number, rangeS: number): ReturnType<Handler> {
  const series = [...byPod(visible)].map(([pod, l]) => ({
    metric: { pod, namespace: 'agents', container: 'agent', image: 'agent:1', id: `/kubepods/${pod}/c1` },
    values: l.filter((s) => s.tMs > timeMs - rangeS * 1000 && s.tMs <= timeMs).map((s) => [s.tMs / 1000, String(valueOf(s, signal))] as const),
  }));
  return matrix(series.filter((s) => s.values.length > 0));
}

/** A range query evaluated at each step: max_over_time for memory, rate for CPU (≥ 2 samples in range). */
function rangeAnswer(visible: readonly RawSample[], signal: 'memory' | 'cpu', p: URLSearchParams, rangeS: number): ReturnType<Handler> {
  const start = Number(p.get('start')) * 1000;
  const end = Number(p.get('end')) * 1000;
  const step = Number((p.get('step') ?? '15s').replace('s', '')) * 1000;
  const series = [];
  for (const [pod, l] of byPod(visible)) {
    const values: Array<readonly [number, string]> = [];
    for (let t = start; t <= end + 1e-6; t += step) {
      const inRange = l.filter((s) => s.tMs > t - rangeS * 1000 && s.tMs <= t);
      const first = inRange[0];
      const last = inRange[inRange.length - 1];
      if (signal === 'memory' && last) values.push([t / 1000, String(Math.max(...inRange.map((s) => s.memBytes)))]);
      if (signal === 'cpu' && first && last && inRange.length >= 2) {
        values.push([t / 1000, String((last.cpuSeconds - first.cpuSeconds) / ((last.tMs - first.tMs) / 1000))]);
      }
    }
    if (values.length > 0) series.push({ metric: { pod }, values });
  }
  return matrix(series);
}
