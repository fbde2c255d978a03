/**
 * How much of the gap between a policy's node-hours and the trace's floor is cluster mechanics: prints,
 * per trace, the floor (`floorNodeHours`: usage perfectly packed, each second) and the floor *held by
 * the cluster autoscaler's removal delay* (a node that held usage at τ lives to τ + delay at least:
 * FloorMeter.heldNodeHours). No per-pod policy can go below the held floor on a cluster with that
 * delay; it still assumes perfect repacking every second, which no scheduler does, so the real
 * mechanics cost more.
 *
 *   node --import tsx tools/held-floor.ts [--delay 600] [bench flags: --node-shape 4x8Gi --scale 4 --duration 2h --seed 1 --trace PATH]
 *
 * Default: every bundled trace, the bench's default node shape, delay and seed.
 */
import { bundledTraceDir, findTraces } from '../bench/replay/bundled-traces.js';
import { DEFAULT_POLICIES, parseBenchArgs } from '../bench/replay/options.js';
import { openReplayable } from '../bench/replay/run-bench.js';
import { FloorMeter } from '../bench/score/floor.js';
import { isPrebuilt } from '../bench/sim/prebuilt-sessions.js';
import { DEFAULT_SIM_SETTINGS, DEFAULT_SIM_TUNING } from '../bench/sim/defaults.js';

// `--delay S` is ours; every other flag is the bench's, parsed as the bench parses it.
const argv = process.argv.slice(2);
const d = argv.indexOf('--delay');
const delayS = d >= 0 ? Number(argv.splice(d, 2)[1]) : DEFAULT_SIM_SETTINGS.nodeRemoveDelayS;
const parsed = parseBenchArgs(argv, DEFAULT_POLICIES);
if (!parsed.ok) throw new Error(parsed.error);
const o = parsed.value;
const node = o.nodeShape ?? DEFAULT_SIM_SETTINGS.nodeAllocatable;
const dir = bundledTraceDir();
const traces = o.traces.length > 0 ? o.traces : dir ? findTraces(dir) : [];
const { scale, durationS, seed } = { ...o };

const shape = scale !== 1 || durationS !== undefined ? { scale, durationS, seed } : undefined;
for (const path of traces) {
  const t = await openReplayable(path, Number.POSITIVE_INFINITY, shape);
  const meter = new FloorMeter(node, DEFAULT_SIM_TUNING.lookaheadS);
  const samples = t.open();
  if (isPrebuilt(samples)) for (const s of samples.prebuiltSessions()) meter.addSession(s);
  else for await (const s of samples) meter.add(s);
  const floor = meter.nodeHours();
  const held = meter.heldNodeHours(delayS);
  process.stdout.write(`${t.header.name}: floor ${floor.toFixed(2)} node-h, held by a ${delayS} s removal delay ${held.toFixed(2)} (${(held / floor).toFixed(2)}× floor)\n`);
}
