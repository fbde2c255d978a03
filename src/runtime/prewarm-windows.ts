import cron from 'node-cron';
import type { PrewarmWindow } from '../config/types.js';

/** A pre-warm window that is open: when it started and when it ends. */
export interface ActiveWindow {
  /** Stable identity across config reloads: name, cron and duration. */
  readonly key: string;
  readonly window: PrewarmWindow;
  readonly startMs: number;
  readonly endMs: number;
}

/** The key a window is tracked under (a reload that keeps the window keeps it open). */
export function windowKey(w: PrewarmWindow): string {
  return `${w.name}|${w.cron}|${w.durationMinutes}|${w.agentClass}`;
}

/**
 * A matcher with node-cron's own semantics (fields ANDed, `L`, names, local time), taken from a task
 * that is created and destroyed at once so nothing is left scheduled.
 */
export function cronMatcher(expression: string): (d: Date) => boolean {
  const task = cron.createTask(expression, () => undefined);
  void task.destroy();
  return (d) => task.match(d);
}

/**
 * The latest start of `expression` in (nowMs − lookbackMs, nowMs], or undefined. Scans back minute by
 * minute (and through the seconds the expression allows), so the cost is bounded by the window length,
 * not by how long ago the cron last fired.
 */
export function latestStart(expression: string, nowMs: number, lookbackMs: number, match = cronMatcher(expression)): number | undefined {
  const seconds = [...cron.parse(expression).second].sort((a, b) => b - a);
  const firstMinute = Math.floor(nowMs / 60_000) * 60_000;
  for (let m = firstMinute; m > nowMs - lookbackMs - 60_000; m -= 60_000) {
    for (const s of seconds) {
      const t = m + s * 1000;
      if (t > nowMs || t <= nowMs - lookbackMs) continue;
      if (match(new Date(t))) return t;
    }
  }
  return undefined;
}

/** The windows open at `nowMs`: a window is open from a cron start for `durationMinutes`. */
export function activeWindows(windows: readonly PrewarmWindow[], nowMs: number): ActiveWindow[] {
  const out: ActiveWindow[] = [];
  for (const w of windows) {
    const durMs = w.durationMinutes * 60_000;
    const start = latestStart(w.cron, nowMs, durMs);
    if (start !== undefined) out.push({ key: windowKey(w), window: w, startMs: start, endMs: start + durMs });
  }
  return out;
}

/** Windows that opened and closed since the previous step. */
export interface WindowChanges {
  readonly opened: readonly ActiveWindow[];
  readonly closed: readonly ActiveWindow[];
}

/**
 * Remembers which windows are open and reports transitions. Being a fold over `now`, it also does the
 * right thing after a restart in the middle of a window (it opens it) and after a reload that removes
 * an open window (it closes it).
 */
export class WindowTracker {
  private open = new Map<string, ActiveWindow>();

  /** Windows currently open. */
  current(): readonly ActiveWindow[] {
    return [...this.open.values()];
  }

  step(windows: readonly PrewarmWindow[], nowMs: number): WindowChanges {
    const now = new Map(activeWindows(windows, nowMs).map((a) => [a.key, a]));
    const opened = [...now.values()].filter((a) => !this.open.has(a.key));
    const closed = [...this.open.values()].filter((a) => !now.has(a.key));
    this.open = now;
    return { opened, closed };
  }
}
