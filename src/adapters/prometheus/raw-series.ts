import type { Series } from './response.js';

/**
 * Raw cAdvisor samples, per pod, read so that every sample is seen exactly once.
 *
 * Why a cursor: cAdvisor stamps container stats every 10–20 s and they reach Prometheus 0.5–5 s after
 * their own timestamp. A reader that asks "what happened since my last tick" loses every sample that
 * landed after that tick had read past its timestamp (a quarter to a half of them on a real node).
 * So each fetch reads back from the OLDEST newest-sample-seen of the live pods, minus an overlap of
 * at least the scrape interval plus the ingestion delay, and keeps only samples newer than the newest
 * one already emitted for that pod (de-duplication by timestamp). Prometheus accepts no out-of-order
 * samples per series, so "newer than the last seen" loses nothing that arrived.
 *
 * Why counter deltas: `rate(x[w])` is empty whenever fewer than two samples fall in w, which is often
 * the case with 10–20 s spacing and a 20 s window. The rate between two consecutive samples of the
 * same series is what the counter says happened, whatever their spacing; the last one of each series
 * is remembered so the next fetch's first sample has its partner.
 */
export interface RawCursor {
  /** Newest sample timestamp emitted per pod. */
  readonly lastEmittedMs: Map<string, number>;
  /** Newest counter point per CPU series (labels key), and the rate of the interval that ended there. */
  readonly lastCounter: Map<string, CounterPoint>;
}

/** The newest point of a CPU counter series, and the rate of the interval that ended there. */
export interface CounterPoint {
  /** The series' pod (its pod label), so a deleted pod's counters stop holding the look-back back. */
  readonly pod: string;
  readonly tMs: number;
  readonly v: number;
  readonly rate?: number;
}

export function newRawCursor(): RawCursor {
  return { lastEmittedMs: new Map(), lastCounter: new Map() };
}

/** A pod not seen for this long is forgotten, so a deleted pod does not stretch the look-back forever. */
export const FORGET_AFTER_MS = 10 * 60_000;
/** A CPU rate is carried onto a later memory sample for at most this long. */
const CARRY_RATE_MS = 60_000;

/**
 * Which pods' newest samples may hold a window back: with the keys (`namespace/name`) of the pods the
 * caller still has, only those; a deleted pod's (or one the caller does not manage) no longer does, so
 * its last sample does not stretch every read to FORGET_AFTER_MS for all pods. Without them, every
 * pod remembered: the source cannot tell a deleted pod from one whose samples are late.
 */
export interface LiveFilter {
  readonly namespace: string;
  readonly livePods?: ReadonlySet<string> | undefined;
}

const holdsBack = (f: LiveFilter | undefined, podKey: string): boolean => f?.livePods === undefined || f.livePods.has(podKey);

/**
 * Start of the look-back window: the oldest newest-sample of the live pods or the caller's `fromMs`,
 * whichever is earlier, minus the overlap; never before `minMs`. Forgets pods gone quiet.
 */
export function windowStartMs(c: RawCursor, fromMs: number, overlapMs: number, minMs: number, live?: LiveFilter): number {
  let oldest = fromMs;
  for (const [pod, t] of c.lastEmittedMs) {
    if (t < fromMs - FORGET_AFTER_MS) c.lastEmittedMs.delete(pod);
    else if (t < oldest && holdsBack(live, pod)) oldest = t;
  }
  for (const [key, p] of c.lastCounter) if (p.tMs < fromMs - FORGET_AFTER_MS) c.lastCounter.delete(key);
  return Math.max(minMs, oldest - overlapMs);
}

/**
 * Start of the raw reads (after windowStartMs has forgotten the quiet pods): everything newer than
 * each pod's newest emitted sample and each CPU series' newest counter point is read again, and,
 * for pods not seen yet, back from `fromMs` by the overlap. Earlier samples would only be dropped
 * as already seen, so the answers are smaller than the look-back's and the samples the same.
 */
export function rawStartMs(c: RawCursor, fromMs: number, overlapMs: number, minMs: number, live?: LiveFilter): number {
  let oldest = fromMs - overlapMs;
  for (const [pod, t] of c.lastEmittedMs) if (t < oldest && holdsBack(live, pod)) oldest = t;
  for (const p of c.lastCounter.values()) if (p.tMs < oldest && (live === undefined || holdsBack(live, `${live.namespace}/${p.pod}`))) oldest = p.tMs;
  return Math.max(minMs, oldest);
}

/** One CPU interval of one series: the counter's increase over (fromMs, toMs] as a rate in cores. */
export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
  readonly rate: number;
}

/** A series' identity: its labels in name order (names and values cannot hold NUL). */
const seriesKey = (labels: Readonly<Record<string, string>>): string => {
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}\u0000${labels[name]}\u0000`;
  return key;
};

/**
 * Folds one memory series into memory per pod and timestamp (the largest series when a pod has several,
 * as after a restart). Series without the pod label (a kubelet without `--containerd` gives `pod=""`)
 * are not ours: skipped.
 */
export function addMemorySeries(out: Map<string, Map<number, number>>, s: Series, podLabel: string): void {
  const pod = s.labels[podLabel];
  if (pod === undefined || pod === '') return;
  let byT = out.get(pod);
  if (!byT) out.set(pod, (byT = new Map<number, number>()));
  for (const [t, v] of s.points) byT.set(t, Math.max(v, byT.get(t) ?? -Infinity));
}

/**
 * The counter points one fetch has found, by series: written to the cursor (commitCounters) only once
 * every answer of the fetch has been read, so a fetch that fails part-way leaves the cursor as it was
 * and the next one reads the same intervals again (none lost, none counted twice).
 */
export type CounterUpdates = Map<string, CounterPoint>;

/** Folds one CPU series into the pod's interval lists, from consecutive counter samples. */
export function addCpuSeries(c: RawCursor, staged: CounterUpdates, out: Map<string, Interval[][]>, s: Series, podLabel: string): void {
  const pod = s.labels[podLabel];
  if (pod === undefined || pod === '') return;
  const list = seriesIntervals(c, staged, { key: seriesKey(s.labels), pod }, s.points);
  const lists = out.get(pod);
  if (lists) lists.push(list);
  else out.set(pod, [list]);
}

/** Makes a fetch's counter points the cursor's. */
export function commitCounters(c: RawCursor, staged: CounterUpdates): void {
  for (const [key, p] of staged) c.lastCounter.set(key, p);
}

/**
 * One series' intervals, starting from the counter remembered from the previous fetch (points at or
 * before it are the overlap, already folded). A counter reset counts from zero, as rate() reads it.
 */
function seriesIntervals(c: RawCursor, staged: CounterUpdates, series: { readonly key: string; readonly pod: string }, points: Series['points']): Interval[] {
  const { key, pod } = series;
  const known = staged.get(key) ?? c.lastCounter.get(key);
  const list: Interval[] = [];
  let prev: readonly [number, number] | undefined = known !== undefined ? [known.tMs, known.v] : undefined;
  if (known?.rate !== undefined) list.push({ fromMs: known.tMs, toMs: known.tMs, rate: known.rate });
  for (const p of points) {
    if (prev !== undefined && p[0] <= prev[0]) continue;
    if (prev !== undefined) {
      const inc = p[1] >= prev[1] ? p[1] - prev[1] : p[1];
      list.push({ fromMs: prev[0], toMs: p[0], rate: inc / ((p[0] - prev[0]) / 1000) });
    }
    prev = p;
  }
  if (prev !== undefined) {
    const last = list[list.length - 1];
    staged.set(key, { pod, tMs: prev[0], v: prev[1], ...(last !== undefined && last.toMs === prev[0] ? { rate: last.rate } : {}) });
  }
  return list;
}

/**
 * CPU of a pod at `tMs`: per series, the interval that holds `tMs`, else the nearest one (the next
 * for a pod's first sample, the last carried for at most CARRY_RATE_MS), summed over the pod's series.
 * 0 when no series of the pod has two samples yet.
 */
export function cpuAt(lists: readonly Interval[][] | undefined, tMs: number): number {
  let sum = 0;
  for (const list of lists ?? []) {
    const first = list[0];
    const last = list[list.length - 1];
    if (first === undefined || last === undefined) continue;
    const hit = list.find((i) => i.fromMs < tMs && tMs <= i.toMs);
    if (hit) sum += hit.rate;
    else if (tMs <= first.fromMs) sum += first.rate;
    else if (tMs > last.toMs && tMs - last.toMs <= CARRY_RATE_MS) sum += last.rate;
    else if (tMs === first.toMs) sum += first.rate;
  }
  return sum;
}
