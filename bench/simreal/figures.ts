/**
 * What a sim-vs-real run measures on each side, the JSON it writes, the tolerances the two must agree
 * within, and the markdown table. Pure.
 */

export interface SessionFigures {
  readonly name: string;
  readonly oomKills: number;
  /** Highest memory the session's containers held (a killed container's peak is its limit). */
  readonly peakMemBytes: number;
}

/** The figures both sides report for one policy. */
export interface SideFigures {
  /** Container OOM kills (at the container's limit or by the kernel on the node). */
  readonly oomKills: number;
  readonly evictions: number;
  /** Resize PATCHes the API server accepted. */
  readonly resizes: number;
  /** Sessions that had not finished by the run's deadline (crash-looping, or still replaying). */
  readonly sessionsUnfinished: number;
  readonly sessions: readonly SessionFigures[];
}

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
}

/** What only the real node shows. */
export interface RealExtras {
  readonly restarts: number;
  /** Resize PATCHes the API server refused (4xx). */
  readonly resizesRefused: number;
  /** From the controller's PATCH leaving the proxy to the container's memory cgroup limit, ms. */
  readonly resizeToCgroupMs: Summary;
  /** From the PATCH to the pod status reporting the new limit, ms. */
  readonly resizeToStatusMs: Summary;
  /** Memory resizes not seen in the cgroup within the watch window (refused by the kubelet, or superseded). */
  readonly resizesNotApplied: number;
  /** From a kill (lastState.terminated.finishedAt) to the next start (state.running.startedAt), s, by kill number of the pod. */
  readonly restartDelaysS: ReadonlyArray<{ readonly kill: number; readonly delayS: number }>;
  /** Seconds between successive cAdvisor samples of a container in Prometheus. */
  readonly cadvisorIntervalS: Summary;
  /** Seconds from a cAdvisor sample's timestamp to the moment Prometheus first returned it. */
  readonly cadvisorLagS: Summary;
}

export interface PolicyRun {
  readonly policy: string;
  /** Seconds from the run's start to each session's first container start, as the simulator replays them. */
  readonly startOffsetsS: readonly number[];
  readonly real: SideFigures & RealExtras;
  /** The simulator with the controller as deployed (no admission webhook, no node view): what `TOLERANCE` checks. */
  readonly sim: SideFigures;
  /** The simulator as `burstguard bench` runs the policy (with its admission webhook and the node's size), for reference. */
  readonly simBench?: SideFigures;
  /** Every resize the controller sent on each side (seconds from the run's start, pod, reason): the why behind a difference. */
  readonly actions?: { readonly real: readonly ActionNote[]; readonly sim: readonly ActionNote[] };
}

export interface ActionNote {
  readonly tS: number;
  readonly pod: string;
  readonly reason: string;
}

/** Everything a run wrote: provenance, the inputs, and both sides per policy. */
export interface SimRealResult {
  readonly schemaVersion: 1;
  readonly provenance: { readonly date: string; readonly machine: string; readonly commit: string; readonly command: string; readonly kubelet: string };
  readonly settings: {
    readonly trace: string;
    readonly seed: number;
    readonly sessions: number;
    readonly windowS: number;
    readonly memScale: number;
    readonly cpuScale: number;
    readonly drainS: number;
    readonly nodeAllocatable: { readonly memBytes: number; readonly cpuCores: number };
    /** The ConfigMap the controller ran with, minus the per-run namespace and Prometheus URL. */
    readonly config: Record<string, unknown>;
  };
  /** The picked sessions: pod name and trace session id. */
  readonly picked: ReadonlyArray<{ readonly name: string; readonly source: string }>;
  /** The simulator knobs used for the comparison (from the measurements). */
  readonly simSide: {
    readonly scrapeIntervalS: number;
    readonly scrapeLagS: number;
    readonly resizeLatencyS: number;
    readonly oomBackoffS: { readonly initial: number; readonly max: number };
  };
  readonly policies: readonly PolicyRun[];
}

/** The comparable figures of a side, without whatever else it carries. */
export function figuresOf(f: SideFigures): SideFigures {
  return { oomKills: f.oomKills, evictions: f.evictions, resizes: f.resizes, sessionsUnfinished: f.sessionsUnfinished, sessions: f.sessions };
}

/** min / median / p90 / max (nearest rank), NaN-free: an empty list gives n 0 and zeros. */
export function summarize(xs: readonly number[], digits = 0): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const f = 10 ** digits;
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))] ?? 0) * f) / f;
  return { n: s.length, min: at(0), median: at(0.5), p90: at(0.9), max: at(1) };
}

/**
 * How close the simulator must come to the real node, and why so close and no closer:
 * - OOM kills: within max(2, 25 %). A crash-looping session's later kills fall at CrashLoopBackOff
 *   delays the kubelet rounds and jitters, and whether the last one lands before the deadline is a
 *   matter of a second; a kill more or less per such session is timing, a systematic miss is not.
 * - Resizes: within max(3, 35 %). The controller decides on cAdvisor samples the kubelet stamps every
 *   10–20 s (the simulator: a fixed interval), so a raise can be one tick's sample apart, and a
 *   decrease refused by the kubelet and retried counts once on each side only by chance.
 *   The real side may also exceed the simulator by up to START_FLIP_PATCHES per session: a pod whose
 *   first cAdvisor sample lands before Prometheus has its agent series is briefly sized as a
 *   memory-only pod and raised back a tick later (two PATCHes the simulator, whose samples carry both
 *   at once, never sends). A known controller behaviour, not yet fixed (docs/e2e.md); one-sided, so a
 *   real node that sends fewer resizes than the simulator is still held to the band.
 * - Peak memory, summed over sessions: within 10 % plus 24 MiB per session. The agent holds the
 *   sample's bytes in 1 MiB chunks on top of its Go runtime, binary and page cache (a few MiB to ~20 MiB
 *   per container, measured as the gap on a session that never bursts), which the trace does not carry.
 */
export const START_FLIP_PATCHES = 2;
export const TOLERANCE = { oomKills: { abs: 2, rel: 0.25 }, resizes: { abs: 3, rel: 0.35 }, peakSum: { rel: 0.1, perSessionBytes: 24 * 2 ** 20 } } as const;

export interface Check {
  readonly what: string;
  readonly real: number;
  readonly sim: number;
  readonly allowed: number;
  readonly ok: boolean;
}

const sumPeaks = (s: SideFigures): number => s.sessions.reduce((a, x) => a + x.peakMemBytes, 0);

/** The checks of one policy's run: each figure with its allowed difference. */
export function compareRun(run: PolicyRun): Check[] {
  const band = (what: string, real: number, sim: number, t: { abs: number; rel: number }, realExtra = 0): Check => {
    const allowed = Math.max(t.abs, t.rel * Math.max(real, sim));
    return { what, real, sim, allowed: allowed + realExtra, ok: sim - real <= allowed && real - sim <= allowed + realExtra };
  };
  const pr = sumPeaks(run.real);
  const ps = sumPeaks(run.sim);
  const peakAllowed = TOLERANCE.peakSum.rel * ps + TOLERANCE.peakSum.perSessionBytes * run.sim.sessions.length;
  return [
    band(`${run.policy}: OOM kills`, run.real.oomKills, run.sim.oomKills, TOLERANCE.oomKills),
    band(`${run.policy}: resizes`, run.real.resizes, run.sim.resizes, TOLERANCE.resizes, START_FLIP_PATCHES * run.real.sessions.length),
    { what: `${run.policy}: peak memory, sum over sessions (bytes)`, real: pr, sim: ps, allowed: peakAllowed, ok: Math.abs(pr - ps) <= peakAllowed },
  ];
}

const mib = (b: number): string => `${Math.round(b / 2 ** 20)}`;
const ms = (s: Summary): string => (s.n === 0 ? '–' : `${s.median} / ${s.p90} / ${s.max} (n ${s.n})`);

/** The sim-vs-real table in markdown: one row per policy and figure. */
export function markdownTable(r: SimRealResult): string {
  const lines = [
    '| policy | figure | real node | simulator, controller as deployed | simulator, as `burstguard bench` runs it |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const run of r.policies) {
    const p = run.policy;
    const b = run.simBench;
    const row = (f: string, a: string, x: string, y: string): number => lines.push(`| ${p} | ${f} | ${a} | ${x} | ${y} |`);
    const both = (f: (s: SideFigures) => string): [string, string] => [f(run.sim), b === undefined ? '–' : f(b)];
    const largest = (s: SideFigures): string => mib(Math.max(0, ...s.sessions.map((x) => x.peakMemBytes)));
    row('OOM kills (restarts)', `${run.real.oomKills} (${run.real.restarts})`, ...both((s) => `${s.oomKills}`));
    row('evictions', `${run.real.evictions}`, ...both((s) => `${s.evictions}`));
    row('sessions unfinished at the deadline', `${run.real.sessionsUnfinished}`, ...both((s) => `${s.sessionsUnfinished}`));
    row('resizes accepted (refused by the API)', `${run.real.resizes} (${run.real.resizesRefused})`, ...both((s) => `${s.resizes}`));
    const lat = `${Math.round(r.simSide.resizeLatencyS * 1000)} (lands at the next 1 s step)`;
    row('resize PATCH → cgroup, ms median / p90 / max', ms(run.real.resizeToCgroupMs), lat, lat);
    row('resize PATCH → status, ms median / p90 / max', ms(run.real.resizeToStatusMs), '–', '–');
    row('peak memory MiB, sum over sessions', mib(sumPeaks(run.real)), ...both((s) => mib(sumPeaks(s))));
    row('peak memory MiB, largest session', largest(run.real), ...both(largest));
  }
  return `${lines.join('\n')}\n`;
}
