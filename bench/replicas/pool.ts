import type { SessionData } from '../sim/session.js';
import { hpaDesired, newHpaState, type HpaState } from './hpa.js';
import type { ReplicasSettings } from './settings.js';

/** One agent session waiting for, or running on, a worker replica. */
interface Task {
  readonly session: SessionData;
  readonly arrivalT: number;
  startT: number;
  replica: Replica | null;
}

/** A worker replica; cold until `readyAtT`. */
interface Replica {
  readonly readyAtT: number;
  busy: number;
}

/** Score of a replicas replay, counted after the warm-up. */
export interface PoolScore {
  readonly queueWaits: number[];
  replicaSeconds: number;
  coldStarts: number;
  sessionsFailed: number;
  sessionsCompleted: number;
  peakReplicas: number;
}

/**
 * A pool of worker replicas behind a queue of arriving agent sessions, scaled by KEDA + HPA (or fixed,
 * for `static`). Each session is a task that runs for its session time on one replica slot; a new replica
 * serves only after its cold start; scale-down removes only replicas that run nothing (a graceful
 * drain: agent sessions are not killed mid-task). `minReplicas` is the ScaledObject's minReplicaCount,
 * which burstguard's scale actions move; the HPA applies it at its next evaluation.
 */
export class ReplicaPool {
  readonly score: PoolScore = { queueWaits: [], replicaSeconds: 0, coldStarts: 0, sessionsFailed: 0, sessionsCompleted: 0, peakReplicas: 0 };
  readonly replicas: Replica[] = [];
  minReplicas: number;
  private queue: Task[] = [];
  private running: Task[] = [];
  private readonly hpa: HpaState = newHpaState();
  private nextPollT = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cfg: ReplicasSettings,
    private readonly autoscale: boolean,
    private readonly warmupS: number,
  ) {
    this.minReplicas = cfg.minReplicas;
    const initial = autoscale ? cfg.minReplicas : cfg.staticReplicas;
    // The pool exists before the trace starts: its first replicas are warm.
    for (let i = 0; i < initial; i++) this.replicas.push({ readyAtT: Number.NEGATIVE_INFINITY, busy: 0 });
  }

  get queued(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.running.length;
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.running.length === 0;
  }

  /** Every session in the system, queued (startT NaN) then running: what a scrape of the work queue sees. */
  *sessions(): Generator<{ readonly session: SessionData; readonly startT: number }> {
    for (const t of this.queue) yield { session: t.session, startT: Number.NaN };
    for (const t of this.running) yield { session: t.session, startT: t.startT };
  }

  arrive(sessions: readonly SessionData[], T: number): void {
    for (const s of sessions) this.queue.push({ session: s, arrivalT: T, startT: Number.NaN, replica: null });
  }

  /** Advances the pool to T: finish, give up, start, autoscale, and count replica time. */
  step(T: number, dt: number): void {
    const scored = T > this.warmupS;
    this.finish(T, scored);
    this.giveUp(T, scored);
    this.start(T, scored);
    if (this.autoscale && T >= this.nextPollT) {
      this.nextPollT = T + this.cfg.pollingIntervalS;
      const desired = hpaDesired(this.hpa, { tS: T, current: this.replicas.length, metric: this.queue.length + this.running.length, minReplicas: this.minReplicas, cfg: this.cfg });
      this.scaleTo(desired, T, scored);
      this.start(T, scored);
    }
    if (scored) {
      this.score.replicaSeconds += this.replicas.length * dt;
      if (this.replicas.length > this.score.peakReplicas) this.score.peakReplicas = this.replicas.length;
    }
  }

  private finish(T: number, scored: boolean): void {
    let keep = 0;
    for (const task of this.running) {
      if (T - task.startT >= task.session.durationS) {
        if (task.replica !== null) task.replica.busy--;
        if (scored) this.score.sessionsCompleted++;
      } else this.running[keep++] = task;
    }
    this.running.length = keep;
  }

  private giveUp(T: number, scored: boolean): void {
    while (this.queue.length > 0 && T - (this.queue[0] as Task).arrivalT > this.cfg.maxQueueWaitS) {
      this.queue.shift();
      if (scored) this.score.sessionsFailed++;
    }
  }

  /** Starts queued sessions, first come first served, on ready replicas with a free slot. */
  private start(T: number, scored: boolean): void {
    if (this.queue.length === 0) return;
    let started = 0;
    for (const r of this.replicas) {
      if (T < r.readyAtT) continue;
      while (r.busy < this.cfg.sessionsPerReplica && started < this.queue.length) {
        const task = this.queue[started++] as Task;
        task.startT = T;
        task.replica = r;
        r.busy++;
        this.running.push(task);
        if (task.arrivalT > this.warmupS && scored) this.score.queueWaits.push(T - task.arrivalT);
      }
      if (started === this.queue.length) break;
    }
    if (started > 0) this.queue.splice(0, started);
  }

  private scaleTo(desired: number, T: number, scored: boolean): void {
    while (this.replicas.length < desired) {
      this.replicas.push({ readyAtT: T + this.cfg.coldStartS, busy: 0 });
      if (scored) this.score.coldStarts++;
    }
    if (this.replicas.length <= desired) return;
    // Remove replicas that run nothing, the still-cold ones first (the ReplicaSet deletes not-ready pods first).
    let excess = this.replicas.length - desired;
    for (const cold of [true, false]) {
      for (let i = this.replicas.length - 1; i >= 0 && excess > 0; i--) {
        const r = this.replicas[i] as Replica;
        if (r.busy === 0 && (T < r.readyAtT) === cold) {
          this.replicas.splice(i, 1);
          excess--;
        }
      }
    }
  }

  /**
   * The oracle's lookahead: sessions that will want a slot within the horizon — those in the system
   * now plus those arriving (`arrivingWithin`, from the trace reader's lookahead).
   */
  demandAhead(arrivingWithin: number): number {
    return this.queue.length + this.running.length + arrivingWithin;
  }
}
