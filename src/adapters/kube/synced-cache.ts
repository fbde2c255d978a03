import { err, ok, type Result } from '../../core/result.js';
import type { Logger, SourceError } from '../../engine/ports.js';
import { apiFailure } from './api-errors.js';

/** The part of client-node's informer (ListWatch) this module drives; tests pass an in-memory fake. */
export interface InformerLike<T> {
  on(verb: 'error', cb: (e?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): ReadonlyArray<T>;
  get(name: string, namespace?: string): T | undefined;
}

/** Schedules a callback; returns a cancel function. setTimeout in production, a manual queue in tests. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

export interface SyncedCacheOptions {
  /** Names the source in SourceErrors and logs, e.g. `pods`. */
  readonly name: string;
  readonly log: Logger;
  readonly schedule?: Schedule;
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  /**
   * Failures logged at debug: the owner reports them once (the node cache: without its ClusterRole every
   * retry answers 403, and a warning per retry would say nothing new).
   */
  readonly quietFailures?: boolean;
}

/**
 * An informer's cache that knows whether it can be trusted. client-node's ListWatch stops for good on
 * an error other than 410 Gone; this restarts it after a doubling back-off. Until the first list has
 * succeeded, and while a restart is pending, `items()` is a SourceError so the tick holds rather than
 * acting on a view that may be stale.
 */
export class SyncedCache<T> {
  private synced = false;
  private stopped = true;
  private errors = 0;
  private lastError = 'not started';
  private lastStatus: number | undefined;
  private backoffMs: number;
  private cancelRestart: (() => void) | undefined;
  private readonly schedule: Schedule;
  private readonly backoff: { readonly initial: number; readonly max: number };

  constructor(
    private readonly informer: InformerLike<T>,
    private readonly opts: SyncedCacheOptions,
  ) {
    this.schedule = opts.schedule ?? realSchedule;
    this.backoff = opts.backoffMs ?? { initial: 1000, max: 30_000 };
    this.backoffMs = this.backoff.initial;
    informer.on('error', (e) => this.failed(e));
  }

  /** Starts the list+watch; resolves once the first attempt is over (synced or failed and rescheduled). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.synced = false;
    this.cancelRestart?.();
    this.cancelRestart = undefined;
    await this.informer.stop();
  }

  /** The cached objects, or why they cannot be trusted right now. */
  items(): Result<ReadonlyArray<T>, SourceError> {
    if (!this.synced) return err({ source: this.opts.name, message: `informer not synced: ${this.lastError}` });
    return ok(this.informer.list());
  }

  /** One cached object (namespace undefined for cluster-scoped ones), or undefined when absent or while the cache cannot be trusted. */
  get(name: string, namespace?: string): T | undefined {
    return this.synced ? this.informer.get(name, namespace) : undefined;
  }

  isSynced(): boolean {
    return this.synced;
  }

  /** The HTTP status of the failure the cache is waiting out (e.g. 403), when it is waiting one out. */
  failureStatus(): number | undefined {
    return this.synced ? undefined : this.lastStatus;
  }

  private async attempt(): Promise<void> {
    this.cancelRestart = undefined;
    if (this.stopped) return;
    const before = this.errors;
    try {
      await this.informer.start();
    } catch (e) {
      this.failed(e);
      return;
    }
    // ListWatch reports list and watch failures through 'error' before start() resolves.
    if (this.errors === before && !this.stopped) {
      this.synced = true;
      this.backoffMs = this.backoff.initial;
      this.opts.log.info({ source: this.opts.name }, 'informer synced');
    }
  }

  private failed(e: unknown): void {
    this.errors += 1;
    this.synced = false;
    this.lastError = describe(e);
    this.lastStatus = apiFailure(e).status;
    if (this.stopped || this.cancelRestart) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoff.max, this.backoffMs * 2);
    (this.opts.quietFailures === true ? this.opts.log.debug.bind(this.opts.log) : this.opts.log.warn.bind(this.opts.log))({ source: this.opts.name, err: this.lastError, retryInMs: delay }, 'informer failed; restarting after back-off');
    this.cancelRestart = this.schedule(() => {
      void this.attempt();
    }, delay);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e).message);
  return String(e);
}
