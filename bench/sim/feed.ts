import type { TraceSample } from '../../src/trace/types.js';
import { isPrebuilt } from './prebuilt-sessions.js';
import { SessionData } from './session.js';

/**
 * Pulls the trace stream ahead of the simulated time and sorts it into sessions.
 *
 * The stream is read `lookaheadS` ahead of the simulation (the sim needs the next sample to know the
 * current demand, and the oracle needs the future). Samples may arrive out of global time order by up to
 * `reorderWindowS`; later than that is an error naming the session and t, never a silent misreplay.
 * A session silent for longer than the lookahead has ended, and a later sample of the same name starts
 * a new session `name#k` (the simulator cannot keep a pod alive on a promise of future samples).
 */
export class TraceFeed {
  private readonly it: AsyncIterator<TraceSample> | null;
  /** In-memory traces (also synchronously iterable) are read without a promise per sample. */
  private readonly syncIt: Iterator<TraceSample> | null;
  /** An array is read by index: no iterator result per sample either. */
  private readonly array: readonly TraceSample[] | null;
  private next = 0;
  private maxT = Number.NEGATIVE_INFINITY;
  private done = false;
  private readonly latest = new Map<string, SessionData>();
  private readonly incarnations = new Map<string, number>();
  /** Sessions discovered and not yet handed to the cluster, in discovery order. */
  private waiting: SessionData[] = [];
  /** A reshaped trace's whole sessions in arrival order (isPrebuilt), handed out as time reaches them. */
  private readonly prebuilt: SessionData[] | null;
  /** Trace summary counters. */
  samples = 0;
  sessions = 0;
  podSeconds = 0;

  constructor(
    stream: AsyncIterable<TraceSample>,
    private readonly reorderWindowS: number,
    private readonly lookaheadS: number,
  ) {
    this.prebuilt = isPrebuilt(stream) ? stream.prebuiltSessions() : null;
    this.array = this.prebuilt === null && Array.isArray(stream) ? (stream as readonly TraceSample[]) : null;
    const sync = (stream as Partial<Iterable<TraceSample>>)[Symbol.iterator];
    this.syncIt = this.prebuilt === null && this.array === null && typeof sync === 'function' ? sync.call(stream) : null;
    this.it = this.prebuilt === null && this.array === null && this.syncIt === null ? stream[Symbol.asyncIterator]() : null;
  }

  /** True when the stream is exhausted and every session has been handed out. */
  get drained(): boolean {
    return this.done && this.waiting.length === 0;
  }

  /** Trace time of the newest sample read so far. */
  get lastSampleT(): number {
    return this.maxT;
  }

  get eof(): boolean {
    return this.done;
  }

  /** Trace time up to which every sample has arrived (the newest sample minus the reorder window). */
  get head(): number {
    if (this.done) return Number.POSITIVE_INFINITY;
    // Prebuilt sessions are whole: everything before the next arrival is in.
    if (this.prebuilt !== null) return (this.prebuilt[this.next]?.t0 ?? Number.POSITIVE_INFINITY) - 1e-9;
    return this.maxT - this.reorderWindowS;
  }

  /** Trace time of the earliest session not yet handed out (Infinity when none). */
  get nextStart(): number {
    let t = this.prebuilt?.[this.next]?.t0 ?? Number.POSITIVE_INFINITY;
    for (const s of this.waiting) if (s.t0 < t) t = s.t0;
    return t;
  }

  /** True when the stream is read synchronously (in memory): `fillToSync` may be used, no await needed. */
  get isSync(): boolean {
    return this.it === null;
  }

  /** Reads until every sample up to trace time `t` has arrived (or the stream ends). */
  async fillTo(t: number): Promise<void> {
    if (this.it === null) {
      this.fillToSync(t);
      return;
    }
    const it = this.it;
    while (!this.done && this.head < t) {
      const r = await it.next();
      if (r.done === true) this.done = true;
      else this.add(r.value);
    }
  }

  /** `fillTo` for in-memory streams (isSync): no promise per call. */
  fillToSync(t: number): void {
    if (this.prebuilt !== null) {
      this.takePrebuilt(t);
      return;
    }
    const arr = this.array;
    if (arr !== null) {
      while (!this.done && this.head < t) {
        if (this.next < arr.length) this.add(arr[this.next++] as TraceSample);
        else this.done = true;
      }
      return;
    }
    const sync = this.syncIt as Iterator<TraceSample>;
    while (!this.done && this.head < t) {
      const r = sync.next();
      if (r.done === true) this.done = true;
      else this.add(r.value);
    }
  }

  /** How many sessions not yet handed out start in (from, to] (the replicas oracle's lookahead). */
  countStarting(from: number, to: number): number {
    let n = 0;
    for (const s of this.waiting) if (s.t0 > from && s.t0 <= to) n++;
    return n;
  }

  /** Hands out the sessions that start at or before trace time `t`, in discovery order. */
  takeDue(t: number, into: SessionData[]): void {
    if (this.waiting.length === 0) return;
    let keep = 0;
    for (const s of this.waiting) {
      if (s.t0 <= t) into.push(s);
      else this.waiting[keep++] = s;
    }
    if (keep !== this.waiting.length) this.waiting.length = keep;
  }

  /** Prebuilt sessions arriving by `t` join the waiting list whole, with their counts. */
  private takePrebuilt(t: number): void {
    const list = this.prebuilt as SessionData[];
    while (this.next < list.length && (list[this.next] as SessionData).t0 <= t) {
      const s = list[this.next++] as SessionData;
      this.waiting.push(s);
      this.sessions++;
      this.samples += s.n;
      this.podSeconds += s.durationS;
      if (s.lastT > this.maxT) this.maxT = s.lastT;
    }
    if (this.next >= list.length) this.done = true;
  }

  private add(s: TraceSample): void {
    // Each field read once: samples from a parser come in several shapes, so every read is a lookup.
    const t = s.t;
    const name = s.session;
    if (t < this.maxT - this.reorderWindowS) {
      throw new Error(
        `trace sample of session '${name}' at t=${t} arrived ${round(this.maxT - t)} s behind the newest sample (t=${this.maxT}); ` +
          `the replay buffers ${this.reorderWindowS} s of disorder: sort the trace by t`,
      );
    }
    if (t > this.maxT) this.maxT = t;
    if ((++this.samples & 4095) === 0) this.prune();
    let sess = this.latest.get(name);
    if (sess !== undefined && t < sess.lastT) {
      throw new Error(`trace session '${name}' went back in time: t=${t} after t=${sess.lastT}`);
    }
    if (sess === undefined || t - sess.lastT > this.lookaheadS) sess = this.startSession(name, t, s.agentClass);
    else this.podSeconds += t - sess.lastT;
    sess.push(s, t);
  }

  /** Forgets sessions that can no longer grow, so a long trace does not keep every session's samples. */
  private prune(): void {
    const horizon = this.maxT - this.reorderWindowS - this.lookaheadS;
    for (const [name, sess] of this.latest) if (sess.lastT < horizon) this.latest.delete(name);
  }

  private startSession(name: string, t: number, agentClass: string | undefined): SessionData {
    const k = (this.incarnations.get(name) ?? 0) + 1;
    this.incarnations.set(name, k);
    const sess = new SessionData(k === 1 ? name : `${name}#${k}`, agentClass ?? 'default', t);
    this.latest.set(name, sess);
    this.waiting.push(sess);
    this.sessions++;
    return sess;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
