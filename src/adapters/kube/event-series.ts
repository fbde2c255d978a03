/**
 * Event coalescing, pure: which Event writes a stream of occurrences needs. No I/O and no clock of its
 * own; the recorder (events.ts) passes `nowMs` in and performs the writes this book asks for.
 *
 * Two mechanisms, because a busy tick floods in two ways:
 *
 * 1. Series (events.k8s.io/v1 `series.count` / `series.lastObservedTime`). A repeat of the same reason
 *    and action on the same object, saying the same up to its numbers (SeriesKeyParts), within `seriesWindowMs` of its last occurrence, is one Event whose
 *    series count grows, not a new Event. The count is written at most once per `seriesPatchIntervalMs`
 *    per Event (the first repeat at once, so the series shows), and once more when the series ends: a pod
 *    resized every tick costs one create and then about one patch a minute. This follows client-go's events.k8s.io/v1 broadcaster
 *    (k8s.io/client-go tools/events/event_broadcaster.go: `getKey` keys on action, reason,
 *    reportingController and regarding, not the note; a series ends 6 min after its last
 *    observation, `finishTime`; counts held in memory are written later). The API server lets an update
 *    through events.k8s.io/v1 change only the series (k8s.io/kubernetes pkg/apis/core/validation
 *    events.go `ValidateEventUpdate`: note, reason, type and regarding are immutable), so the Event
 *    keeps the note of the first occurrence; the numbers of later ones are in the log line of each action.
 *
 * 2. A per-tick budget. At 10,000 pods a tick resizes ~1,200 different pods: no repeats, so no series
 *    helps. At most `maxNewPerFlush` new Events are created between two flushes (one flush per tick);
 *    the rest are counted by reason and written as one summary Event on the controller's own object.
 *    client-go's core/v1 EventCorrelator makes the same trade per object (tools/record/events_cache.go:
 *    10 similar Events in 10 min are aggregated, and a token bucket per source and object drops the
 *    rest); a per-tick cap fits a controller whose Events come in bursts, one per tick.
 */

/**
 * What an occurrence is keyed on: client-go's eventKey (minus `related`, which burstguard never sets),
 * plus the note's words with its numbers left out. The note of an Event cannot change after the create,
 * so a series must only gather occurrences that note describes: a resize to 2Gi and then to 2.2Gi is one
 * series ("…requests #Gi…" twice), but a pre-warm and the restore after it, both BurstguardScaled on the
 * same ScaledObject, are two Events, each with its own words.
 */
export interface SeriesKeyParts {
  readonly regarding: { readonly kind: string; readonly namespace: string; readonly name: string; readonly uid?: string };
  readonly reason: string;
  readonly action: string;
  readonly note?: string;
  /** Normal or Warning: not part of the key (a reason has one type), kept for the summary. */
  readonly type?: string;
}

export function seriesKey(p: SeriesKeyParts): string {
  const r = p.regarding;
  return `${r.kind}\u0000${r.namespace}\u0000${r.name}\u0000${r.uid ?? ''}\u0000${p.reason}\u0000${p.action}\u0000${noteShape(p.note ?? '')}`;
}

/** A note's words without its numbers ("mem 512Mi" and "mem 640Mi" read alike). */
export function noteShape(note: string): string {
  return note.replace(/[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?/g, '#');
}

export interface CoalesceOptions {
  /** A series ends when its key has not been seen for this long (client-go: 6 min). */
  readonly seriesWindowMs: number;
  /** The shortest time between two writes of one series' count. */
  readonly seriesPatchIntervalMs: number;
  /** New Events created between two flushes; the rest go into the summary. 0 turns the cap off. */
  readonly maxNewPerFlush: number;
}

export const DEFAULT_COALESCE: CoalesceOptions = { seriesWindowMs: 6 * 60_000, seriesPatchIntervalMs: 60_000, maxNewPerFlush: 100 };

/** The write an occurrence needs now. */
export type Occurrence =
  /** Create a new Event (under this name). */
  | { readonly kind: 'create'; readonly name: string }
  /** A repeat: counted in the series; its count is written by a later flush. */
  | { readonly kind: 'counted'; readonly name: string; readonly count: number }
  /** Over this tick's budget: only counted into the summary. */
  | { readonly kind: 'summarised' };

/** A series count to write: the Event, its count and when it was last seen. */
export interface SeriesWrite {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly count: number;
  readonly lastObservedMs: number;
}

/** What one flush writes: series counts due, and the summary of Events held back this tick. */
export interface FlushPlan {
  readonly patches: readonly SeriesWrite[];
  /** Held-back occurrences by reason, with a few of the objects they were about. */
  readonly summary: ReadonlyMap<string, HeldBack>;
}

/** Occurrences of one reason the budget held back. */
export interface HeldBack {
  readonly type: string;
  readonly count: number;
  readonly examples: readonly string[];
}

interface Series {
  readonly namespace: string;
  readonly name: string;
  readonly firstMs: number;
  count: number;
  lastObservedMs: number;
  /** The count the API server holds (1 after the create). */
  writtenCount: number;
  lastWriteMs: number;
}

const EXAMPLES = 5;

/**
 * The book of open series and this tick's budget. `observe` decides one occurrence; `flush` says what
 * to write at the end of a tick; `written` and `forget` take back what the API server answered.
 */
export class EventSeriesBook {
  private readonly open = new Map<string, Series>();
  private createdThisFlush = 0;
  private held = new Map<string, { type: string; count: number; examples: string[] }>();

  constructor(private readonly o: CoalesceOptions = DEFAULT_COALESCE) {}

  /** Decides one occurrence at `nowMs`; `newName` names the Event if one is to be created. */
  observe(key: string, parts: SeriesKeyParts, nowMs: number, newName: () => string): Occurrence {
    const s = this.open.get(key);
    if (s !== undefined && nowMs - s.lastObservedMs <= this.o.seriesWindowMs) {
      s.count++;
      s.lastObservedMs = Math.max(s.lastObservedMs, nowMs);
      return { kind: 'counted', name: s.name, count: s.count };
    }
    if (this.o.maxNewPerFlush > 0 && this.createdThisFlush >= this.o.maxNewPerFlush) {
      const h = this.held.get(parts.reason) ?? { type: parts.type ?? 'Normal', count: 0, examples: [] };
      h.count++;
      if (h.examples.length < EXAMPLES) h.examples.push(`${parts.regarding.kind.toLowerCase()}/${parts.regarding.name}`);
      this.held.set(parts.reason, h);
      return { kind: 'summarised' };
    }
    // An ended series with an unwritten count is written by flush before it is replaced here.
    const name = newName();
    this.createdThisFlush++;
    this.open.set(key, { namespace: parts.regarding.namespace, name, firstMs: nowMs, count: 1, lastObservedMs: nowMs, writtenCount: 1, lastWriteMs: nowMs });
    return { kind: 'create', name };
  }

  /**
   * The end of a tick: series counts due (the patch interval has passed, or the series has ended with
   * a count the server does not hold yet), and the summary of what the budget held back. Ended series
   * are dropped; the budget starts again.
   */
  flush(nowMs: number): FlushPlan {
    const patches: SeriesWrite[] = [];
    for (const [key, s] of this.open) {
      const ended = nowMs - s.lastObservedMs > this.o.seriesWindowMs;
      const unwritten = s.count > s.writtenCount;
      // The first repeat is written at once, so the series shows; later counts at most once an interval.
      const due = s.writtenCount === 1 || ended || nowMs - s.lastWriteMs >= this.o.seriesPatchIntervalMs;
      if (unwritten && due) {
        patches.push({ key, namespace: s.namespace, name: s.name, count: s.count, lastObservedMs: s.lastObservedMs });
      }
      if (ended) this.open.delete(key);
    }
    const summary = this.held;
    this.held = new Map();
    this.createdThisFlush = 0;
    return { patches, summary };
  }

  /** The API server now holds `count` for this series (a patch succeeded). */
  written(w: SeriesWrite, nowMs: number): void {
    const s = this.open.get(w.key);
    if (s === undefined || s.name !== w.name) return;
    s.writtenCount = Math.max(s.writtenCount, w.count);
    s.lastWriteMs = nowMs;
  }

  /** The Event is gone or was never created (a failed create, a 404 on patch): the next occurrence starts afresh. */
  forget(key: string, name: string): void {
    if (this.open.get(key)?.name === name) this.open.delete(key);
  }

  /** Open series (for tests and a gauge). */
  size(): number {
    return this.open.size;
  }
}
