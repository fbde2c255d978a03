import { createRng, hashString } from '../../src/core/rng.js';
import type { SessionData } from './session.js';

/**
 * `burstguard bench --hints`: the simulated agent harness announces each tool call as it starts, as a
 * PreToolUse hook does (docs/hints.md). A hint travels to the controller in `latencyS` (or is lost
 * with probability `lossRate`); on arrival the replay hands it to the controller's own hint path
 * (src/engine/hint.ts `actOnHint`), so the resize it causes then meets the simulator's resize latency,
 * node room and the policy's write accounting like any other.
 */
export interface HintSettings {
  /** Seconds from the tool's start until the controller has the hint (harness → Service → leader). */
  readonly latencyS: number;
  /** Probability that a hint never arrives (hook timed out, non-leader replica, rate-limited, network). */
  readonly lossRate: number;
}

/**
 * Defaults: 250 ms covers the hook's process start, the client's HTTP round trip and the controller's
 * TokenReview (one API-server call, tens of ms on a healthy control plane) with room to spare; 5 % loss
 * stands for hints that die on the way (the client gives up after 2 s; with two replicas behind one
 * Service some land on the standby and get 503; a burst of calls meets the rate limit). Both pessimistic
 * on purpose: a hint that arrives later or less often than this only helps less.
 */
export const DEFAULT_HINT_SETTINGS: HintSettings = { latencyS: 0.25, lossRate: 0.05 };

/** A hint on its way: sent at `sentT`, due at the controller at `dueT` (trace seconds). */
export interface HintInFlight {
  readonly dueT: number;
  readonly podKey: string;
  readonly tool: string;
  /** Send order, so hints due at the same instant arrive in the order they were sent. */
  readonly seq: number;
}

/** What the hints of one replay came to (extra fields of the policy row). */
export interface HintCounts {
  /** Tool starts the harness announced. */
  sent: number;
  lost: number;
  /** Hints that reached the controller. */
  delivered: number;
  /** Delivered hints the controller acted on with a resize (each one API write, plus its Event). */
  resized: number;
}

/** What the channel reads of a simulated pod (SimPod). */
export interface HintingPod {
  readonly session: SessionData;
  readonly key: string;
  readonly cursor: number;
  readonly restarts: number;
  /** The last sample index whose tool start has been announced; -1 before the first. */
  hintedTo: number;
}

/**
 * Whether sample `i` of a session starts a tool call: the `tool` field changes to a non-empty value.
 * A session without any `tool` field never starts one (such traces get no hints).
 */
export function startsTool(s: SessionData, i: number): string | undefined {
  const tools = s.tools;
  if (tools === null) return undefined;
  const tool = tools[i];
  if (tool === undefined || tool === '') return undefined;
  return i === 0 || tools[i - 1] !== tool ? tool : undefined;
}

/**
 * The harness side of hints: sends one at each tool start a pod reaches, drops the lost ones (seeded
 * per tool call, so a policy's restarts do not shift which other calls are lost), and holds the rest
 * until they are due.
 */
export class HintChannel {
  readonly counts: HintCounts = { sent: 0, lost: 0, delivered: 0, resized: 0 };
  private queue: HintInFlight[] = [];
  private seq = 0;

  constructor(
    readonly settings: HintSettings,
    private readonly seed: number,
  ) {
    checkHintSettings(settings);
  }

  /**
   * A pod's work reached sample `pod.cursor` (the demand it meets next): announce each tool that
   * starts after the last index announced. `restarts` tells a redone call (after a kill) from the
   * first, so each gets its own loss draw.
   */
  scan(pod: HintingPod, T: number, scored: boolean): void {
    const s = pod.session;
    const from = pod.hintedTo;
    pod.hintedTo = pod.cursor;
    if (s.tools === null) return;
    for (let i = Math.max(0, from + 1); i <= pod.cursor; i++) {
      const tool = startsTool(s, i);
      if (tool === undefined) continue;
      if (scored) this.counts.sent++;
      if (this.lost(s.id, i, pod.restarts)) {
        if (scored) this.counts.lost++;
        continue;
      }
      this.queue.push({ dueT: T + this.settings.latencyS, podKey: pod.key, tool, seq: this.seq++ });
    }
  }

  /** Hints due before `untilT` (exclusive), earliest first; they leave the channel. */
  takeDue(untilT: number): HintInFlight[] {
    if (this.queue.length === 0) return [];
    const due = this.queue.filter((h) => h.dueT < untilT);
    if (due.length === 0) return due;
    this.queue = this.queue.filter((h) => h.dueT >= untilT);
    return due.sort((a, b) => a.dueT - b.dueT || a.seq - b.seq);
  }

  private lost(session: string, i: number, attempt: number): boolean {
    if (this.settings.lossRate <= 0) return false;
    return createRng((this.seed ^ hashString(`${session}|${i}|${attempt}`)) >>> 0).next() < this.settings.lossRate;
  }
}

/** Bad settings are an error naming the knob. */
export function checkHintSettings(h: HintSettings): void {
  if (!(Number.isFinite(h.latencyS) && h.latencyS >= 0)) throw new Error(`hint latency must be a number of seconds >= 0 (got ${h.latencyS})`);
  if (!(h.lossRate >= 0 && h.lossRate <= 1)) throw new Error(`hint loss rate must be in [0, 1] (got ${h.lossRate})`);
}
