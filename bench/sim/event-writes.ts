/**
 * The Event writes the controller sends, counted as its recorder sends them (src/adapters/kube/events.ts
 * over event-series.ts), not one per action. Per resize the controller records one Event for the
 * action's outcome (kube-actuator.ts), and its cluster view one more when a pod's resize turns Deferred,
 * Infeasible or Error between two snapshots (pod-view.ts `noteVerdicts`). The recorder coalesces: a
 * repeat on the same pod with the same reason and the same words (numbers aside) within 6 min grows one
 * Event's series, whose count is PATCHed at most once a minute (the first repeat at once) and once more
 * when the series ends; past 100 new Events in a tick the rest go into one summary Event. Each create and
 * each series PATCH is a write. The book here is the recorder's own (EventSeriesBook, same options), fed
 * the same notes (eventFor, verdictEvent), flushed once per engine tick as the controller does; series
 * still open when the replay ends are counted as the PATCH they would get when they end. So the count is
 * what the controller sends, never less, for the pods. The controller's one other Event in a run, a
 * BurstguardNoSamples warning on its ConfigMap when running pods go several ticks without a sample
 * (runtime/main.ts), is not counted: the simulated scrapes never leave a running pod that long (none
 * fired at seed 1 on the bundled traces, default density and 4x8Gi ×4 --cv 5).
 */
import { DEFAULT_COALESCE, EventSeriesBook, seriesKey } from '../../src/adapters/kube/event-series.js';
import { actionOf, type EventSpec } from '../../src/adapters/kube/events.js';
import type { PodRef } from '../../src/core/types.js';

export class SimEventWrites {
  private readonly book = new EventSeriesBook(DEFAULT_COALESCE);
  private seq = 0;
  /** Writes counted while scored: creates, series PATCHes, summaries. */
  writes = 0;

  /** One occurrence the recorder is asked to record at `nowMs`; `scored`: after the warm-up. */
  record(pod: PodRef, spec: EventSpec, nowMs: number, scored: boolean): void {
    const regarding = { kind: 'Pod', namespace: pod.namespace, name: pod.name };
    const parts = { regarding, reason: spec.reason, action: actionOf(spec.reason), type: spec.type, note: spec.message };
    const o = this.book.observe(seriesKey(parts), parts, nowMs, () => `${pod.name}.${(this.seq++).toString(16)}`);
    if (o.kind === 'create' && scored) this.writes++;
  }

  /** The end of a tick: the series counts due and the summary, as the recorder's flush writes them. */
  flush(nowMs: number, scored: boolean): void {
    const plan = this.book.flush(nowMs);
    for (const w of plan.patches) this.book.written(w, nowMs);
    if (scored) this.writes += plan.patches.length + (plan.summary.size > 0 ? 1 : 0);
  }

  /** The replay ended: every open series with a count the API server does not hold yet gets its last PATCH. */
  finish(scored: boolean): void {
    const plan = this.book.flush(Number.MAX_SAFE_INTEGER);
    if (scored) this.writes += plan.patches.length + (plan.summary.size > 0 ? 1 : 0);
  }
}
