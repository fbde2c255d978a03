import { createRng } from '../../../src/core/rng.js';
import { matrix, signalOf, type FakeAnswer, type Handler, type SeenRequest } from './fake-prometheus.js';

/**
 * A namespace of agent pods as Prometheus holds it, answering all seven default queries from what has
 * arrived by `nowMs`: cAdvisor memory and CPU stamped every 10–20 s and arriving 0.5–5 s late (raw
 * samples with their own timestamps), and the agent series (context size, tools in flight, counters)
 * scraped every 5 s and arriving up to 4 s late, evaluated on the asked grid as Prometheus would (a
 * grid point reads only samples stamped at or before it). Pods come and go, may fall silent for a
 * while, and may restart their container (a new CPU series whose counter starts again at 0) or reset
 * their counter in place.
 */
export interface WorldPod {
  readonly name: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** No sample of any kind stamped in [from, to). */
  readonly gap?: readonly [number, number];
  /** The container restarts here: a new CPU series (new `id`), counter from 0. */
  readonly restartAtMs?: number;
  /** The CPU counter drops to 0 here within the same series. */
  readonly resetAtMs?: number;
  /** The context size is reported once a minute only (most grid points have none). */
  readonly sparseContext?: boolean;
}

interface Point {
  readonly tMs: number;
  readonly arrivesMs: number;
  readonly v: number;
}

interface Series {
  readonly signal: string;
  readonly labels: Record<string, string>;
  readonly points: Point[];
}

export interface World {
  nowMs: number;
  /** Called before answering; a FakeAnswer replaces the real one (errors injected by tests). */
  intercept?: (req: SeenRequest) => FakeAnswer | undefined;
  readonly handler: Handler;
  /** Every raw memory sample stamped (arrived or not), for completeness checks. */
  readonly memorySamples: ReadonlyArray<{ readonly pod: string; readonly tMs: number }>;
}

const AGENT_EVERY_MS = 5000;
const TOOLS = ['Bash', 'Read'] as const;

export function agentWorld(pods: readonly WorldPod[], seed = 11): World {
  const rng = createRng(seed);
  const series: Series[] = [];
  const memorySamples: Array<{ pod: string; tMs: number }> = [];
  for (const [i, p] of pods.entries()) {
    const { mem, cpu } = cadvisorSamples(p, i, rng, memorySamples);
    const base = { namespace: 'agents', pod: p.name, container: 'agent' };
    series.push({ signal: 'memory', labels: { ...base, id: `/kubepods/${p.name}/c1` }, points: mem });
    for (const [k, points] of cpu.entries()) series.push({ signal: 'cpu', labels: { ...base, id: `/kubepods/${p.name}/c${k + 1}` }, points });
    const agent = (signal: string, labels: Record<string, string>, value: (n: number) => number, everyMs = AGENT_EVERY_MS): void => {
      const points: Point[] = [];
      for (let t = p.fromMs + (i % 5) * 1000, n = 0; t <= p.toMs; t += everyMs, n++) {
        if (!silent(p, t)) points.push({ tMs: t, arrivesMs: t + 200 + Math.round(rng.next() * 3800), v: value(n) });
      }
      series.push({ signal, labels: { pod: p.name, ...labels }, points });
    };
    agent('contextTokens', {}, (n) => 1000 + 40 * n + i, p.sparseContext === true ? 60_000 : AGENT_EVERY_MS);
    for (const [k, tool] of TOOLS.entries()) agent('toolCallsInFlight', { tool }, (n) => ((n + k + i) % 4 === 0 ? 0 : 1 + ((n + k) % 3)));
    agent('toolCalls', {}, (n) => 2 * n);
    agent('toolErrors', {}, (n) => Math.floor(n / 3));
    agent('toolRetries', {}, (n) => Math.floor(n / 2));
  }

  const world: World = {
    nowMs: 0,
    memorySamples,
    handler: (req) => world.intercept?.(req) ?? answer(series, req, world.nowMs),
  };
  return world;
}

/** A pod's raw memory samples and its CPU counter's two series (before and after a restart). */
function cadvisorSamples(p: WorldPod, i: number, rng: ReturnType<typeof createRng>, memorySamples: Array<{ pod: string; tMs: number }>): { mem: Point[]; cpu: Point[][] } {
  const mem: Point[] = [];
  const cpu: Point[][] = [[], []];
  let counter = 0;
  let prevT = p.fromMs;
  for (let t = p.fromMs + Math.round(rng.next() * 10_000); t <= p.toMs; t += 10_000 + Math.round(rng.next() * 10_000)) {
    const restarted = p.restartAtMs !== undefined && t >= p.restartAtMs;
    if (p.restartAtMs !== undefined && prevT < p.restartAtMs && restarted) counter = 0;
    if (p.resetAtMs !== undefined && prevT < p.resetAtMs && t >= p.resetAtMs) counter = 0;
    counter += ((t - prevT) / 1000) * (0.2 + 0.1 * i);
    prevT = t;
    if (silent(p, t)) continue;
    const arrivesMs = t + 500 + Math.round(rng.next() * 4500);
    mem.push({ tMs: t, arrivesMs, v: 100e6 + i * 1e6 + (t - p.fromMs) * 1000 });
    cpu[restarted ? 1 : 0]?.push({ tMs: t, arrivesMs, v: counter });
    memorySamples.push({ pod: p.name, tMs: t });
  }
  return { mem, cpu };
}

const silent = (p: WorldPod, t: number): boolean => p.gap !== undefined && t >= p.gap[0] && t < p.gap[1];

function answer(all: readonly Series[], req: SeenRequest, nowMs: number): FakeAnswer {
  const signal = signalOf(req.query);
  const mine = all.filter((s) => s.signal === signal);
  const visible = (s: Series): Point[] => s.points.filter((p) => p.arrivesMs <= nowMs);
  if (req.path === '/api/v1/query') {
    const timeMs = Math.round(Number(req.params.get('time')) * 1000);
    const rangeMs = Number(/\[(\d+)s\]$/.exec(req.query)?.[1] ?? '0') * 1000;
    const out = mine
      .map((s) => ({ metric: s.labels, values: visible(s).filter((p) => p.tMs > timeMs - rangeMs && p.tMs <= timeMs).map((p) => [p.tMs / 1000, String(p.v)] as const) }))
      .filter((s) => s.values.length > 0);
    return matrix(out);
  }
  const startMs = Math.round(Number(req.params.get('start')) * 1000);
  const endMs = Math.round(Number(req.params.get('end')) * 1000);
  const stepMs = Number((req.params.get('step') ?? '15s').replace('s', '')) * 1000;
  const out = [];
  for (const s of mine) {
    const pts = visible(s);
    const values: Array<readonly [number, string]> = [];
    for (let g = startMs; g <= endMs; g += stepMs) {
      const v = gridValue(signal, pts, g, stepMs);
      if (v !== undefined) values.push([g / 1000, String(v)]);
    }
    if (values.length > 0) out.push({ metric: s.labels, values });
  }
  return matrix(out);
}

/** One grid point, from samples stamped in the range before it: the last value, or a rate × step. */
function gridValue(signal: string, pts: readonly Point[], g: number, stepMs: number): number | undefined {
  const rangeMs = signal === 'contextTokens' || signal === 'toolCallsInFlight' ? stepMs : 4 * stepMs;
  const inRange = pts.filter((p) => p.tMs > g - rangeMs && p.tMs <= g);
  const last = inRange[inRange.length - 1];
  const first = inRange[0];
  if (last === undefined || first === undefined) return undefined;
  if (signal === 'contextTokens') return last.v;
  if (signal === 'toolCallsInFlight') return last.v > 0 ? last.v : undefined;
  if (inRange.length < 2) return undefined;
  return ((last.v - first.v) / ((last.tMs - first.tMs) / 1000)) * (stepMs / 1000);
}
