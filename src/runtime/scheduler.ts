import cron from 'node-cron';
import type { PrewarmWindow } from '../config/types.js';
import type { Clock, Logger } from '../engine/ports.js';
import { WindowTracker, type ActiveWindow } from './prewarm-windows.js';

/** Interval timers; injected so tests drive time by hand. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Cron scheduling; node-cron in production, a manual trigger in tests. */
export type CronScheduler = (expression: string, fn: () => void) => { stop(): void };

export const realTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** node-cron behind the CronScheduler shape. */
export const nodeCronScheduler: CronScheduler = (expression, fn) => {
  const task = cron.schedule(expression, fn, { noOverlap: true });
  return { stop: () => void task.destroy() };
};

/**
 * Never two runs at once: a run asked for while one is in flight is skipped (and counted), not queued,
 * because a queued tick would act on data that is already a tick old.
 */
export class SingleFlight {
  private running = false;
  private skippedCount = 0;

  get busy(): boolean {
    return this.running;
  }

  get skipped(): number {
    return this.skippedCount;
  }

  async run(fn: () => Promise<void>): Promise<'ran' | 'skipped'> {
    if (this.running) {
      this.skippedCount++;
      return 'skipped';
    }
    this.running = true;
    try {
      await fn();
    } finally {
      this.running = false;
    }
    return 'ran';
  }
}

/** The parts of the config the scheduler runs on. */
export interface ScheduleConfig {
  readonly tickIntervalS: number;
  readonly modelRefit: string;
  readonly prewarm: readonly PrewarmWindow[];
}

export interface SchedulerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onTick: () => Promise<void>;
  readonly onRefit: () => Promise<void>;
  readonly onWindowStart: (w: ActiveWindow) => void | Promise<void>;
  readonly onWindowEnd: (w: ActiveWindow) => void | Promise<void>;
  /** A tick was due while the previous one still ran (feeds burstguard_ticks_skipped_total). */
  readonly onTickSkipped?: () => void;
  readonly timers?: Timers;
  readonly cron?: CronScheduler;
}

/** A running schedule. */
export interface Scheduler {
  /** Runs a tick now (single-flight applies). */
  tick(): Promise<'ran' | 'skipped'>;
  /** Runs a refit now (single-flight applies). */
  refit(): Promise<'ran' | 'skipped'>;
  /** Re-evaluates pre-warm windows now; called on every tick and at each window's cron start. */
  evaluateWindows(): Promise<void>;
  /** Replaces the schedule after a config reload; open windows and in-flight runs carry over. */
  reconfigure(cfg: ScheduleConfig): void;
  /** Windows open now. */
  openWindows(): readonly ActiveWindow[];
  stop(): void;
}

/**
 * Drives the controller: a tick every `tickIntervalS` (an interval timer: cron cannot say "every 45 s"),
 * model refits and pre-warm window starts on node-cron. Window ends are noticed on the next tick or
 * window evaluation after they pass, so they lag by at most one tick interval. Callback failures are
 * logged and never stop the schedule.
 */
export function startScheduler(initial: ScheduleConfig, deps: SchedulerDeps): Scheduler {
  const timers = deps.timers ?? realTimers;
  const schedule = deps.cron ?? nodeCronScheduler;
  const ticks = new SingleFlight();
  const refits = new SingleFlight();
  const tracker = new WindowTracker();
  let cfg = initial;
  let interval: unknown;
  let crons: Array<{ stop(): void }> = [];
  let stopped = false;

  const guard = async (what: string, fn: () => void | Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      deps.logger.error({ error: e instanceof Error ? e.message : String(e), what }, 'scheduled work failed');
    }
  };

  const evaluateWindows = async (): Promise<void> => {
    const { opened, closed } = tracker.step(cfg.prewarm, deps.clock.now());
    for (const w of closed) {
      deps.logger.info({ window: w.window.name, endMs: w.endMs }, 'pre-warm window closed');
      await guard('pre-warm window end', () => deps.onWindowEnd(w));
    }
    for (const w of opened) {
      deps.logger.info({ window: w.window.name, startMs: w.startMs, endMs: w.endMs }, 'pre-warm window opened');
      await guard('pre-warm window start', () => deps.onWindowStart(w));
    }
  };

  const tick = async (): Promise<'ran' | 'skipped'> => {
    const r = await ticks.run(async () => {
      await evaluateWindows();
      await guard('tick', deps.onTick);
    });
    if (r === 'skipped') {
      deps.onTickSkipped?.();
      deps.logger.warn({ tickIntervalS: cfg.tickIntervalS }, 'tick skipped: the previous tick is still running');
    }
    return r;
  };

  const refit = (): Promise<'ran' | 'skipped'> => refits.run(() => guard('model refit', deps.onRefit));

  const arm = (): void => {
    interval = timers.setInterval(() => void tick(), cfg.tickIntervalS * 1000);
    crons = [
      schedule(cfg.modelRefit, () => void refit()),
      ...cfg.prewarm.map((w) => schedule(w.cron, () => void evaluateWindows())),
    ];
  };
  const disarm = (): void => {
    if (interval !== undefined) timers.clearInterval(interval);
    interval = undefined;
    for (const c of crons) c.stop();
    crons = [];
  };

  arm();
  return {
    tick,
    refit,
    evaluateWindows,
    reconfigure(next) {
      if (stopped) return;
      disarm();
      cfg = next;
      arm();
    },
    openWindows: () => tracker.current(),
    stop() {
      stopped = true;
      disarm();
    },
  };
}
