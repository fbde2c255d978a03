import { qosOf } from '../../src/core/resources.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import type { QosClass } from '../../src/core/types.js';
import type { SimSettings, TimelinePoint } from '../replay/replay-types.js';
import { Scorer, slack } from '../score/scoring.js';
import type { SimTuning } from './defaults.js';
import type { AdmissionHook, ClusterOptions, PodResources, SessionScore } from './cluster-types.js';
import type { HintChannel } from './hints.js';
import { oomKill, workResizes } from './kubelet.js';
import { evictUnderPressure, kernelLimitBytes, kernelOomKill } from './node-memory.js';
import { NodePool } from './nodes.js';
import { Phase, SimPod } from './pod.js';
import { ScrapeStore } from './scrapes.js';
import { SessionTimelines } from './timeline.js';
import type { DemandAhead, SessionData } from './session.js';

/** How fast a throttled session progresses: limit / demand when demand exceeds a CPU limit. */
function stretchRate(demand: number, limit: number): number {
  return limit > 0 && demand > limit ? limit / demand : 1;
}

export type { AdmissionHook, ClusterOptions, PodResources, SessionScore } from './cluster-types.js';

/**
 * The simulated cluster. `step(T)` advances it over (T - stepS, T]: pods do their sessions' work, the
 * kubelet kills, evicts and actuates, the pool schedules and provisions, Prometheus scrapes. Every
 * semantic is in a small function of its own (kubelet.ts, nodes.ts, scrapes.ts); this file orders them.
 */
export class SimCluster {
  readonly sim: SimSettings;
  readonly tuning: SimTuning;
  readonly namespace: string;
  readonly score = new Scorer();
  readonly pool: NodePool;
  readonly scrapes: ScrapeStore;
  /** Existing pods (pending, running, backing off) in creation order. */
  readonly live: SimPod[] = [];
  readonly byKey = new Map<string, SimPod>();
  readonly pending: SimPod[] = [];
  readonly resizing: SimPod[] = [];
  /** The kubelet's reusable list of Deferred resizes to retry this step (no allocation per step). */
  readonly deferredScratch: SimPod[] = [];
  private readonly timelines: SessionTimelines;
  readonly perSession: SessionScore[] = [];
  /** Keys of pods gone since the replay last asked (so the policy can forget them). */
  readonly gone: string[] = [];
  private readonly warmupS: number;
  private readonly rng: Rng;
  private readonly qos: QosClass;
  private readonly podTemplate: ClusterOptions['podTemplate'];
  private anyGone = false;
  /** The webhook pods pass at creation; none by default. */
  admission: AdmissionHook | undefined;
  /** Where tool starts are announced (`--hints`), or undefined. */
  readonly hints: HintChannel | undefined;

  constructor(o: ClusterOptions) {
    this.sim = o.sim;
    this.tuning = o.tuning;
    this.namespace = o.namespace;
    this.warmupS = o.warmupS;
    this.podTemplate = o.podTemplate;
    this.hints = o.hints;
    this.timelines = new SessionTimelines(o.timelineSessions, o.tuning.timelineEveryS);
    this.rng = createRng(o.seed).fork('scrape-offsets');
    this.qos = qosOf(o.sim.initial.requests, o.sim.initial.limits);
    this.pool = new NodePool(o.sim.nodeAllocatable, o.sim.nodeProvisionDelayS, o.sim.nodeRemoveDelayS, o.sim.maxNodes, o.tuning.minNodes);
    this.scrapes = new ScrapeStore(o.sim.scrapeLagS);
  }

  /** The resources a new (or replacement) pod of a class is created with. */
  templateFor(agentClass: string): PodResources {
    return this.podTemplate?.(agentClass) ?? this.sim.initial;
  }

  /** Whether the interval ending at T is scored (after the warm-up). */
  scored(T: number): boolean {
    return T > this.warmupS;
  }

  /** True when no pod exists any more. */
  get idle(): boolean {
    return this.live.length === 0;
  }

  /** Creates a pod for each starting session; it waits for a node until the next scheduling pass. */
  addSessions(sessions: readonly SessionData[], T: number): void {
    const interval = this.sim.scrapeIntervalS;
    const dt = this.tuning.stepS;
    for (const s of sessions) {
      const template = this.templateFor(s.agentClass);
      const pod = new SimPod(s, this.namespace, s.id, template, template === this.sim.initial ? this.qos : qosOf(template.requests, template.limits));
      this.admit(pod, T);
      pod.scrapeOffsetS = Math.floor((this.rng.next() * interval) / dt) * dt;
      // With a report, every pod records its timeline; end() keeps the disrupted ones and the first few.
      this.timelines.start(pod, T);
      this.live.push(pod);
      this.byKey.set(pod.key, pod);
      this.pending.push(pod);
    }
  }

  /**
   * Passes a pod being created (or re-created after an eviction) through the admission webhook, as the
   * API server does before the scheduler sees it: the pod starts with whatever the webhook writes.
   */
  admit(pod: SimPod, T: number): void {
    const template = this.templateFor(pod.session.agentClass);
    const r = this.admission?.({ key: pod.key, agentClass: pod.session.agentClass, requests: template.requests, limits: template.limits }, T);
    if (r) pod.resetResources(r);
  }

  /** Advances the cluster over (T - stepS, T]. */
  step(T: number): void {
    const dt = this.tuning.stepS;
    const scored = this.scored(T);
    for (const n of this.pool.nodes) {
      n.usageMem = 0;
      n.usageCpu = 0;
    }
    for (const pod of this.live) {
      if (pod.phase === Phase.Running) this.advance(pod, T, dt, scored);
      else if (pod.phase === Phase.BackOff) this.waitBackOff(pod, T, dt, scored);
    }
    this.nodeMemory(T);
    if (scored) this.nodeCpu(dt);
    this.finishSessions(T);
    this.schedule(T);
    workResizes(this, T);
    this.observe(T);
    this.pool.removeIdle(T);
    if (scored) this.score.countNodes(this.pool.nodes.length, dt, this.live.length > 0);
    if (this.anyGone) this.dropGone();
  }

  /**
   * The kernel OOM killer acts at once on a node whose pods pass its memory; the kubelet's eviction
   * manager looks every evictionIntervalS and evicts one pod per node under pressure.
   */
  private nodeMemory(T: number): void {
    const kernel = kernelLimitBytes(this);
    const evictNow = T % this.sim.evictionIntervalS === 0;
    for (const n of this.pool.nodes) {
      if (n.usageMem > kernel) kernelOomKill(this, n, T);
      if (evictNow) evictUnderPressure(this, n, T);
    }
  }

  /**
   * CPU contention: pods whose summed use passes the node's cores cannot all get it, so the excess is
   * throttled CPU, as over a limit. Without this a policy with small CPU requests could pack more CPU
   * demand on a node than it has and look cheaper than the physical floor at no visible cost.
   * Sessions are not stretched by it (as with limits, unless throttleStretches).
   */
  private nodeCpu(dt: number): void {
    const cores = this.sim.nodeAllocatable.cpuCores;
    for (const n of this.pool.nodes) if (n.usageCpu > cores) this.score.cpuThrottled += (n.usageCpu - cores) * dt;
  }

  /**
   * One pod's work over one step: progress through its session (slower when throttling stretches it),
   * the peak memory demand crossed (demand between samples is the later sample's), the OOM check against
   * the enforced limit, CPU throttling, and the integrals the score and the next scrape need.
   */
  private advance(pod: SimPod, T: number, dt: number, scored: boolean): void {
    const s = pod.session;
    const n = s.n;
    const rel = s.rel;
    const mem = s.mem;
    let i = pod.cursor;
    const rate = this.sim.throttleStretches ? stretchRate(s.cpu[i] ?? 0, pod.actLimCpu) : 1;
    const p0 = pod.progress;
    const p1 = Math.min(p0 + dt * rate, rel[n - 1] ?? 0);
    let peak = mem[i] ?? 0;
    while (i < n - 1 && (rel[i] ?? 0) < p1) {
      i++;
      const m = mem[i] ?? 0;
      if (m > peak) peak = m;
    }
    pod.at = i;
    pod.cursor = (rel[i] ?? 0) > p1 || i === n - 1 ? i : i + 1;
    pod.progress = p1;
    if (peak > pod.peakMem) pod.peakMem = peak;
    const held = pod.actLimMem > 0 && peak > pod.actLimMem ? pod.actLimMem : peak;
    if (held > pod.peakHeldMem) pod.peakHeldMem = held;
    if (pod.actLimMem > 0 && peak > pod.actLimMem) {
      oomKill(this, pod, T);
      return;
    }
    // The sample at `cursor` is the demand the pod meets next: a tool starting there is about to run.
    if (pod.cursor > pod.hintedTo) this.hints?.scan(pod, T, scored);
    this.use(pod, mem[i] ?? 0, s.cpu[i] ?? 0, (p1 - p0) / rate, scored);
  }

  /** Usage over `wall` seconds of a running pod: throttling, node usage, scrape and score integrals. */
  private use(pod: SimPod, m: number, c: number, wall: number, scored: boolean): void {
    const lim = pod.actLimCpu;
    const used = lim > 0 && c > lim ? lim : c;
    pod.usageMem = m;
    pod.usageCpu = used;
    pod.scrapeCpuSum += used * wall;
    pod.scrapeSpan += wall;
    const node = pod.node as NonNullable<SimPod['node']>;
    node.usageMem += m;
    node.usageCpu += used;
    if (!scored) return;
    const sc = this.score;
    sc.memUsed += m * wall;
    sc.memReq += pod.allocReqMem * wall;
    sc.cpuUsed += used * wall;
    sc.cpuReq += pod.allocReqCpu * wall;
    sc.podSeconds += wall;
    if (m > pod.allocReqMem) {
      sc.memUnreserved += (m - pod.allocReqMem) * wall;
      sc.overRequestSeconds += wall;
    }
    if (c > used) sc.cpuThrottled += (c - used) * wall;
    pod.scoredMemUsed += m * wall;
    pod.scoredMemReq += pod.allocReqMem * wall;
  }

  /** A container in CrashLoopBackOff holds its requests and uses nothing, then restarts from the start. */
  private waitBackOff(pod: SimPod, T: number, dt: number, scored: boolean): void {
    if (scored) {
      this.score.memReq += pod.allocReqMem * dt;
      this.score.cpuReq += pod.allocReqCpu * dt;
      this.score.podSeconds += dt;
      pod.scoredMemReq += pod.allocReqMem * dt;
    }
    if (T >= pod.restartAtT) {
      pod.phase = Phase.Running;
      pod.restartWork(T);
    }
  }

  private finishSessions(T: number): void {
    for (const pod of this.live) {
      if (pod.phase === Phase.Running && pod.progress >= pod.session.durationS) {
        if (this.scored(T)) this.score.sessionsCompleted++;
        this.end(pod, T);
      }
    }
  }

  /** Binds pending pods first-fit; those that fit no ready node get nodes provisioned. */
  private schedule(T: number): void {
    if (this.pending.length === 0) return;
    let keep = 0;
    for (const pod of this.pending) {
      if (pod.phase !== Phase.Pending) continue;
      if (this.pool.neverFits(pod.allocReqMem, pod.allocReqCpu)) {
        this.fail(pod, T);
        continue;
      }
      const node = this.pool.findRoom(pod.allocReqMem, pod.allocReqCpu, T);
      if (node === undefined) {
        this.pending[keep++] = pod;
        continue;
      }
      this.pool.bind(pod, node);
      pod.phase = Phase.Running;
      pod.restartWork(T);
      const interval = this.sim.scrapeIntervalS;
      pod.nextScrapeT = Math.ceil((T - pod.scrapeOffsetS) / interval) * interval + pod.scrapeOffsetS;
    }
    if (keep !== this.pending.length) this.pending.length = keep;
    if (keep > 0) this.pool.provisionFor(this.pending, T);
  }

  /** Scrapes due at T and timeline points. */
  private observe(T: number): void {
    const interval = this.sim.scrapeIntervalS;
    for (const pod of this.live) {
      if (pod.phase === Phase.Running && T >= pod.nextScrapeT) {
        this.scrapes.record(pod, T);
        while (pod.nextScrapeT <= T) pod.nextScrapeT += interval;
      } else if (pod.phase !== Phase.Running) {
        while (pod.nextScrapeT <= T) pod.nextScrapeT += interval;
      }
      this.timelines.sample(pod, T);
    }
  }

  /** Records an event (OOM kill, eviction, resize) on the timeline of a charted session. */
  mark(pod: SimPod, T: number, event: NonNullable<TimelinePoint['event']>): void {
    this.timelines.mark(pod, T, event);
  }

  /** The charted sessions' points (the report's timelines). */
  get timeline(): readonly TimelinePoint[] {
    return this.timelines.points;
  }

  /** The session failed (restartPolicy Never, or requests no node can hold). */
  fail(pod: SimPod, T: number): void {
    if (this.scored(T)) this.score.sessionsFailed++;
    this.end(pod, T);
  }

  /** The replay stops: sessions still unfinished (crash-looping, or waiting for a node) have failed. */
  abandonAll(T: number): void {
    for (const pod of this.live) if (pod.phase !== Phase.Gone) this.fail(pod, T);
    this.dropGone();
  }

  private end(pod: SimPod, T: number): void {
    this.pool.unbind(pod, T);
    pod.phase = Phase.Gone;
    this.byKey.delete(pod.key);
    this.gone.push(pod.key);
    this.anyGone = true;
    this.timelines.keep(pod);
    this.perSession.push({ session: pod.session.id, memSlack: slack(pod.scoredMemUsed, pod.scoredMemReq), peakMem: pod.peakMem, peakHeldMem: pod.peakHeldMem, oomKills: pod.oomKills });
  }

  private dropGone(): void {
    let keep = 0;
    for (const pod of this.live) if (pod.phase !== Phase.Gone) this.live[keep++] = pod;
    this.live.length = keep;
    this.anyGone = false;
  }

  /** The oracle's lookahead: the pod's true demand over the next `horizonS` seconds of its work. */
  demandAhead(podKey: string, horizonS: number): DemandAhead | undefined {
    const pod = this.byKey.get(podKey);
    if (pod === undefined) return undefined;
    const out: DemandAhead = { peakMemBytes: 0, peakCpuCores: 0, meanMemBytes: 0, meanCpuCores: 0 };
    pod.session.demandOver(pod.progress, horizonS, out);
    return out;
  }
}
