import { ok, type Result } from '../../src/core/result.js';
import type { AgentSample } from '../../src/core/types.js';
import type { MetricQuery, MetricSource, SourceError } from '../../src/engine/ports.js';
import { traceMs } from '../sim/clock.js';
import type { SessionData } from '../sim/session.js';

/** A session as the pool reports it at a scrape: waiting in the queue, or running since `startT`. */
export interface PoolSession {
  readonly session: SessionData;
  /** Trace time the session started on a replica; NaN while it is queued. */
  readonly startT: number;
}

/**
 * The replicas scenario's Prometheus: every scrape interval, one sample per session in the system
 * (queued or running), keyed `${namespace}/${session}` with the session's agent class, served after
 * the scrape lag like the resize simulator's scrapes. This is what a real controller has: the
 * work queue and its workers export a series per task, so a session that starts shows up as a new key
 * at the next scrape, never earlier. A queued session has no usage yet (zero memory and CPU); a
 * running one reports its trace demand at the scrape instant.
 */
export class SessionScrapes implements MetricSource {
  readonly name = 'replicas-sim';
  private readonly held: Array<{ readonly tMs: number; readonly session: SessionData; readonly mem: number; readonly cpu: number }> = [];
  private readonly lagMs: number;

  constructor(
    readonly intervalS: number,
    lagS: number,
  ) {
    this.lagMs = lagS * 1000;
  }

  /** Records the scrape at trace time T of every session in the system. */
  record(T: number, sessions: Iterable<PoolSession>): void {
    const tMs = traceMs(T);
    for (const { session, startT } of sessions) {
      if (Number.isNaN(startT)) this.held.push({ tMs, session, mem: 0, cpu: 0 });
      else {
        const i = indexAt(session, T - startT);
        this.held.push({ tMs, session, mem: session.mem[i] ?? 0, cpu: session.cpu[i] ?? 0 });
      }
    }
  }

  fetch(q: MetricQuery): Promise<Result<AgentSample[], SourceError>> {
    const out: AgentSample[] = [];
    let drop = 0;
    for (const h of this.held) {
      if (h.tMs + this.lagMs > q.toMs) break;
      drop++;
      // Each scrape is served once: every tick asks from its previous fetch.
      if (h.tMs + this.lagMs <= q.fromMs) continue;
      out.push({ pod: `${q.namespace}/${h.session.id}`, tMs: h.tMs, memBytes: h.mem, cpuCores: h.cpu, agentClass: h.session.agentClass });
    }
    if (drop > 0) this.held.splice(0, drop);
    return Promise.resolve(ok(out));
  }
}

/** The sample in force `relS` seconds into a session: the first at or after it (demand between samples is the later one's). */
function indexAt(s: SessionData, relS: number): number {
  let lo = 0;
  let hi = s.n - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((s.rel[mid] ?? 0) < relS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
