import type { Clock, Logger } from '../engine/ports.js';

/** The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes. Times are epoch ms. */
export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTimeMs?: number;
  readonly renewTimeMs?: number;
  readonly leaseTransitions?: number;
  /** Optimistic concurrency: a replace carrying a stale version fails with 409. */
  readonly resourceVersion?: string;
}

/**
 * One Lease, behind the smallest interface that gives client-go's semantics: get (undefined when
 * absent), create (409 when it exists) and replace (409 when resourceVersion is stale). Errors are thrown
 * with a numeric `code` like client-node's ApiException. Production: adapters/kube/lease-api.ts.
 */
export interface LeaseApi {
  get(): Promise<LeaseRecord | undefined>;
  create(rec: LeaseRecord): Promise<LeaseRecord>;
  replace(rec: LeaseRecord): Promise<LeaseRecord>;
}

export interface LeaderElectionOptions {
  /** This replica's identity (the pod name); must differ between replicas. */
  readonly identity: string;
  readonly leaseDurationS: number;
  /** The leader steps down when it has not renewed for this long (< leaseDurationS). */
  readonly renewDeadlineS: number;
  readonly retryPeriodS: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Waits, resolving early when the signal aborts. Injected so tests run on a virtual clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
}

/** What one attempt found. */
export type AttemptResult = 'acquired' | 'renewed' | 'held-by-other' | 'lost-race' | 'error';

/**
 * Lease-based leader election with client-go's rules (client-node has none). A candidate takes the
 * Lease when it is absent, released (no holder), expired (renewTime + leaseDurationSeconds < now) or
 * already its own; every write carries the read resourceVersion, so of two candidates racing for an
 * expired Lease exactly one wins (the other gets 409). The leader renews every retryPeriod and steps
 * down if renewals fail for renewDeadline, which is shorter than leaseDuration: it stops acting before
 * anyone else may start.
 */
export class LeaderElector {
  private leader = false;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly api: LeaseApi,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.sleep = opts.sleep ?? realSleep;
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** One acquire-or-renew attempt. Never throws. */
  async tryAcquireOrRenew(): Promise<AttemptResult> {
    const { identity, leaseDurationS } = this.opts;
    const callTimeoutMs = this.opts.retryPeriodS * 1000;
    let cur: LeaseRecord | undefined;
    try {
      cur = await withTimeout(this.api.get(), callTimeoutMs);
    } catch (e) {
      this.opts.log.warn({ err: message(e) }, 'leader election: cannot read the Lease');
      return 'error';
    }
    const now = this.opts.clock.now();
    const mine = cur?.holderIdentity === identity;
    if (cur && !mine && cur.holderIdentity && !expired(cur, now)) return 'held-by-other';
    const next = claim(cur, identity, leaseDurationS, now);
    try {
      await withTimeout(cur === undefined ? this.api.create(next) : this.api.replace(next), callTimeoutMs);
    } catch (e) {
      if (codeOf(e) === 409) return 'lost-race';
      this.opts.log.warn({ err: message(e) }, 'leader election: cannot write the Lease');
      return 'error';
    }
    return mine ? 'renewed' : 'acquired';
  }

  /** Campaigns until the signal aborts; leads while renewals succeed. Releases the Lease on the way out. */
  async run(signal: AbortSignal): Promise<void> {
    const retryMs = this.opts.retryPeriodS * 1000;
    while (!signal.aborted) {
      const r = await this.tryAcquireOrRenew();
      if (r === 'acquired' || r === 'renewed') {
        this.setLeader(true);
        await this.lead(signal);
        this.setLeader(false);
      } else {
        await this.sleep(retryMs, signal);
      }
    }
    await this.release();
  }

  /** Gives the Lease up so another replica can take over at once instead of after leaseDuration. */
  async release(): Promise<void> {
    try {
      const cur = await withTimeout(this.api.get(), this.opts.retryPeriodS * 1000);
      if (cur?.holderIdentity !== this.opts.identity) return;
      const now = this.opts.clock.now();
      await withTimeout(
        this.api.replace({ ...cur, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: now, acquireTimeMs: now }),
        this.opts.retryPeriodS * 1000,
      );
      this.opts.log.info({ identity: this.opts.identity }, 'leader election: Lease released');
    } catch (e) {
      this.opts.log.warn({ err: message(e) }, 'leader election: could not release the Lease; it expires by itself');
    } finally {
      this.setLeader(false);
    }
  }

  private async lead(signal: AbortSignal): Promise<void> {
    let lastRenewMs = this.opts.clock.now();
    while (!signal.aborted) {
      await this.sleep(this.opts.retryPeriodS * 1000, signal);
      if (signal.aborted) return;
      const r = await this.tryAcquireOrRenew();
      if (r === 'renewed' || r === 'acquired') {
        lastRenewMs = this.opts.clock.now();
      } else if (r === 'held-by-other') {
        this.opts.log.warn({ identity: this.opts.identity }, 'leader election: another replica holds the Lease; stepping down');
        return;
      } else if (this.opts.clock.now() - lastRenewMs >= this.opts.renewDeadlineS * 1000) {
        this.opts.log.warn({ identity: this.opts.identity, lastRenewMs }, 'leader election: could not renew within renewDeadline; stepping down');
        return;
      }
    }
  }

  private setLeader(v: boolean): void {
    if (v === this.leader) return;
    this.leader = v;
    this.opts.log.info({ identity: this.opts.identity, leader: v }, v ? 'leader election: became leader' : 'leader election: stopped leading');
    if (v) this.opts.onStartedLeading?.();
    else this.opts.onStoppedLeading?.();
  }
}

/**
 * The record that claims (or renews) the Lease: acquireTime and leaseTransitions move only when the
 * holder changes; the read resourceVersion goes along as the optimistic-concurrency precondition.
 */
function claim(cur: LeaseRecord | undefined, identity: string, leaseDurationS: number, now: number): LeaseRecord {
  if (cur === undefined) return { holderIdentity: identity, leaseDurationSeconds: leaseDurationS, acquireTimeMs: now, renewTimeMs: now, leaseTransitions: 0 };
  const mine = cur.holderIdentity === identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds: leaseDurationS,
    acquireTimeMs: mine && cur.acquireTimeMs !== undefined ? cur.acquireTimeMs : now,
    renewTimeMs: now,
    leaseTransitions: (cur.leaseTransitions ?? 0) + (mine ? 0 : 1),
    ...(cur.resourceVersion !== undefined ? { resourceVersion: cur.resourceVersion } : {}),
  };
}

/** A Lease is expired once renewTime + leaseDurationSeconds has passed. */
export function expired(rec: LeaseRecord, nowMs: number): boolean {
  if (rec.renewTimeMs === undefined) return true;
  return rec.renewTimeMs + (rec.leaseDurationSeconds ?? 0) * 1000 < nowMs;
}

function codeOf(e: unknown): number | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A call that has not answered within `ms` counts as failed (the request itself is left to finish). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    t.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
