/**
 * The simulator's side of a recorded sim-vs-real run, recomputed from the record alone: the same seeded
 * sessions, the offsets the real pods started at, the ConfigMap the controller ran with and the
 * simulator knobs the run measured. The unit test compares this with the committed real figures.
 */
import { figuresOf, type SimRealResult, type SideFigures } from './figures.js';
import { loadSessions } from './setup.js';
import { simulate, type SimSide } from './simulate.js';

/** The SimSide of a record: its node, its drain and the knobs it measured (or others, to try them). */
export function recordedSide(r: SimRealResult, knobs: Partial<SimRealResult['simSide']> = {}): SimSide {
  return { ...r.simSide, ...knobs, nodeAllocatable: r.settings.nodeAllocatable, drainS: r.settings.drainS };
}

/** Per policy of the record: the simulator's figures as the deployed controller runs (and as the bench does). */
export async function resimulate(r: SimRealResult, knobs: Partial<SimRealResult['simSide']> = {}): Promise<Array<{ policy: string; deployed: SideFigures; bench: SideFigures }>> {
  const sessions = await loadSessions({ count: r.settings.sessions, windowS: r.settings.windowS, seed: r.settings.seed });
  const picked = sessions.map((s) => s.source).join('\n');
  if (picked !== r.picked.map((p) => p.source).join('\n')) throw new Error('the seeded pick no longer gives the recorded sessions (the trace or the picker changed): re-run npm run bench:sim-vs-real');
  const side = recordedSide(r, knobs);
  const out = [];
  for (const run of r.policies) {
    const config = { ...r.settings.config, policy: run.policy };
    const deployed = figuresOf(await simulate(sessions, run.startOffsetsS, config, side, { deployed: true }));
    const bench = figuresOf(await simulate(sessions, run.startOffsetsS, config, side, { deployed: false }));
    out.push({ policy: run.policy, deployed, bench });
  }
  return out;
}
