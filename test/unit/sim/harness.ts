// A simulated cluster driven by hand, step by step, for tests of one semantic at a time.
import type { Action, Resources } from '../../../src/core/types.js';
import { SimCluster } from '../../../bench/sim/cluster.js';
import { DEFAULT_SIM_TUNING, type SimTuning } from '../../../bench/sim/defaults.js';
import { SimActuator, SimClusterView } from '../../../bench/sim/ports.js';
import { SessionData } from '../../../bench/sim/session.js';
import type { SimSettings } from '../../../bench/replay/replay-types.js';
import { MiB, sim } from './fixtures.js';

/** A session from `[rel, memMiB, cpuCores]` rows (rel = seconds since its first sample). */
export function session(id: string, rows: ReadonlyArray<readonly [number, number, number]>, t0 = 0): SessionData {
  const s = new SessionData(id, 'swe', t0);
  for (const [rel, mem, cpu] of rows) s.push({ session: id, t: t0 + rel, memBytes: mem * MiB, cpuCores: cpu });
  return s;
}

/** A session at a constant level for `dur` seconds. */
export function steady(id: string, dur: number, memMiB: number, cpu = 0.1, t0 = 0): SessionData {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= dur; r++) rows.push([r, memMiB, cpu]);
  return session(id, rows, t0);
}

export class Harness {
  readonly c: SimCluster;
  readonly act: SimActuator;
  readonly view: SimClusterView;
  T = 0;

  constructor(over: Partial<SimSettings> = {}, tuning: Partial<SimTuning> = {}, warmupS = -1) {
    this.c = new SimCluster({ sim: sim(over), tuning: { ...DEFAULT_SIM_TUNING, ...tuning }, namespace: 'agents', seed: 7, warmupS, timelineSessions: 10 });
    this.act = new SimActuator(this.c, () => this.T);
    this.view = new SimClusterView(this.c, () => this.T);
  }

  /** Adds sessions starting now, then runs the step at the current time (so they get scheduled). */
  start(...sessions: SessionData[]): this {
    this.c.addSessions(sessions, this.T);
    this.c.step(this.T);
    return this;
  }

  /** Steps until T (inclusive), one second at a time. */
  to(T: number): this {
    while (this.T < T) {
      this.T += 1;
      this.c.step(this.T);
    }
    return this;
  }

  pod(name: string) {
    const p = this.c.byKey.get(`agents/${name}`);
    if (p === undefined) throw new Error(`no pod ${name}`);
    return p;
  }

  resize(name: string, requests: Resources, limits: Resources) {
    const action: Action = { kind: 'resize', pod: { namespace: 'agents', name }, container: 'agent', requests, limits, policy: 'test', reason: 'test', inputs: {} };
    return this.act.applySync(action, false);
  }
}
