import type { TimelinePoint } from '../replay/replay-types.js';
import { Phase, type SimPod } from './pod.js';

/**
 * The per-session charts of the HTML report. Every pod of the first `sessions` records its usage; when a
 * pod ends, its points are kept if it was disrupted (those are the sessions a reader wants to see) or
 * while the quota of undisrupted ones lasts. Kept apart from the cluster because the charts are an
 * output of the run, never an input to it.
 */
export class SessionTimelines {
  readonly points: TimelinePoint[] = [];
  private undisruptedLeft: number;

  constructor(sessions: number, private readonly everyS: number) {
    this.undisruptedLeft = sessions;
  }

  /** A new pod records its timeline while the quota is not used up. */
  start(pod: SimPod, T: number): void {
    if (this.undisruptedLeft <= 0) return;
    pod.timeline = true;
    pod.nextTimelineT = T;
  }

  /** A point every `everyS` seconds of a charted pod's life. */
  sample(pod: SimPod, T: number): void {
    if (!pod.timeline || T < pod.nextTimelineT) return;
    record(pod, T);
    pod.nextTimelineT = T + this.everyS;
  }

  /** An event (OOM kill, eviction, resize); any but a resize marks the pod as disrupted. */
  mark(pod: SimPod, T: number, event: NonNullable<TimelinePoint['event']>): void {
    if (event !== 'resize') pod.disrupted = true;
    if (pod.timeline) record(pod, T, event);
  }

  /** The pod ended: its points join the outcome when it was disrupted, or while the quota lasts. */
  keep(pod: SimPod): void {
    if (!pod.timeline) return;
    if (pod.disrupted || this.undisruptedLeft > 0) {
      if (!pod.disrupted) this.undisruptedLeft--;
      for (const p of pod.points) this.points.push(p);
    }
    pod.points = [];
  }
}

function record(pod: SimPod, T: number, event?: TimelinePoint['event']): void {
  const running = pod.phase === Phase.Running;
  pod.points.push({
    session: pod.session.id,
    tS: T,
    memUsed: running ? pod.usageMem : 0,
    memRequest: pod.allocReqMem,
    memLimit: pod.actLimMem,
    cpuUsed: running ? pod.usageCpu : 0,
    cpuLimit: pod.actLimCpu,
    ...(event === undefined ? {} : { event }),
  });
}
