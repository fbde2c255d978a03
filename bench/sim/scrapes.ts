import { ok, type Result } from '../../src/core/result.js';
import type { AgentSample } from '../../src/core/types.js';
import type { MetricQuery, MetricSource, SourceError } from '../../src/engine/ports.js';
import { traceMs } from './clock.js';
import type { SimPod } from './pod.js';

/**
 * The simulated Prometheus: scrapes of every running pod, kept in compact columns, served lagged.
 *
 * What a scrape holds, as cAdvisor reports it: memory is the working set at the scrape instant (a gauge),
 * CPU is the mean rate over the scrape interval (a counter's rate), tool counts are summed over the
 * interval, and context tokens and the tool in flight are the values at the scrape instant.
 *
 * What a fetch returns: each scrape once, when its lag has passed. `fetch({fromMs, toMs})` returns the
 * scrapes that became visible in (fromMs, toMs], stamped with their scrape time: what a well-written
 * Prometheus adapter achieves by querying with an offset of the ingestion lag. Nothing newer than
 * `toMs - lag` is ever returned, so no policy sees the current or a future sample.
 */
export class ScrapeStore implements MetricSource {
  readonly name = 'sim-scrapes';
  private start = 0;
  private len = 0;
  private tMs = new Float64Array(1024);
  private mem = new Float64Array(1024);
  private cpu = new Float64Array(1024);
  private ctx = new Float64Array(1024);
  private calls = new Float64Array(1024);
  private retries = new Float64Array(1024);
  private errors = new Float64Array(1024);
  private pods: SimPod[] = [];
  private tools: Array<string | undefined> = [];
  private readonly lagMs: number;

  constructor(lagS: number) {
    this.lagMs = lagS * 1000;
  }

  /** Number of scrapes held (bounded: served scrapes are dropped). */
  get size(): number {
    return this.len - this.start;
  }

  /** Records the scrape of a running pod at trace time T and resets its interval accumulators. */
  record(pod: SimPod, T: number): void {
    if (this.len === this.tMs.length) this.makeRoom();
    const i = this.len++;
    const s = pod.session;
    const at = pod.at;
    this.tMs[i] = traceMs(T);
    this.mem[i] = pod.usageMem;
    this.cpu[i] = pod.scrapeSpan > 0 ? pod.scrapeCpuSum / pod.scrapeSpan : pod.usageCpu;
    this.ctx[i] = s.ctx[at] ?? Number.NaN;
    const calls = s.cumCalls[at] ?? 0;
    const retries = s.cumRetries[at] ?? 0;
    const errors = s.cumErrors[at] ?? 0;
    this.calls[i] = s.hasCalls ? calls - pod.scrapeCumCalls : Number.NaN;
    this.retries[i] = s.hasRetries ? retries - pod.scrapeCumRetries : Number.NaN;
    this.errors[i] = s.hasErrors ? errors - pod.scrapeCumErrors : Number.NaN;
    this.pods[i] = pod;
    this.tools[i] = s.tools === null ? undefined : s.tools[at];
    pod.scrapeCumCalls = calls;
    pod.scrapeCumRetries = retries;
    pod.scrapeCumErrors = errors;
    pod.scrapeCpuSum = 0;
    pod.scrapeSpan = 0;
  }

  fetch(q: MetricQuery): Promise<Result<AgentSample[], SourceError>> {
    return Promise.resolve(ok(this.take(q.fromMs, q.toMs)));
  }

  /** The scrapes visible in (fromMs, toMs]; older ones are dropped, since every tick asks from its last fetch. */
  take(fromMs: number, toMs: number): AgentSample[] {
    const out: AgentSample[] = [];
    let i = this.start;
    while (i < this.len && (this.tMs[i] ?? 0) + this.lagMs <= fromMs) i++;
    for (; i < this.len; i++) {
      const t = this.tMs[i] ?? 0;
      if (t + this.lagMs > toMs) break;
      out.push(this.sample(i, t));
    }
    this.start = i;
    return out;
  }

  private sample(i: number, tMs: number): AgentSample {
    const pod = this.pods[i] as SimPod;
    const s: { -readonly [K in keyof AgentSample]: AgentSample[K] } = {
      pod: pod.key,
      tMs,
      memBytes: this.mem[i] ?? 0,
      cpuCores: this.cpu[i] ?? 0,
      agentClass: pod.session.agentClass,
    };
    const ctx = this.ctx[i] ?? Number.NaN;
    if (!Number.isNaN(ctx)) s.contextTokens = ctx;
    const calls = this.calls[i] ?? Number.NaN;
    if (!Number.isNaN(calls)) s.toolCalls = calls;
    const retries = this.retries[i] ?? Number.NaN;
    if (!Number.isNaN(retries)) s.toolRetries = retries;
    const errors = this.errors[i] ?? Number.NaN;
    if (!Number.isNaN(errors)) s.toolErrors = errors;
    const tool = this.tools[i];
    if (tool !== undefined) s.tool = tool;
    return s;
  }

  /** Drops served scrapes, then grows if still full. */
  private makeRoom(): void {
    const live = this.len - this.start;
    const cap = live * 2 > this.tMs.length ? this.tMs.length * 2 : this.tMs.length;
    const move = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = cap === a.length ? a : new Float64Array(cap);
      b.set(a.subarray(this.start, this.len));
      return b;
    };
    this.tMs = move(this.tMs);
    this.mem = move(this.mem);
    this.cpu = move(this.cpu);
    this.ctx = move(this.ctx);
    this.calls = move(this.calls);
    this.retries = move(this.retries);
    this.errors = move(this.errors);
    this.pods = this.pods.slice(this.start, this.len);
    this.tools = this.tools.slice(this.start, this.len);
    this.len = live;
    this.start = 0;
  }
}
