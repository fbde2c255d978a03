/**
 * The bench with the simulated cluster autoscaler's delays changed, to measure how much of a policy's
 * node-hours the cluster's mechanics set rather than its requests. Not a scoring run: the bench's
 * defaults (bench/sim/defaults.ts: 90 s to provision, 600 s before an empty node goes) are what every
 * figure is quoted at; this only answers "what if nodes came and went at once", for every policy alike.
 *
 *   node --import tsx tools/bench-mechanics.ts --remove-delay 0 --provision-delay 0 <bench flags>
 */
import { DEFAULT_SIM_SETTINGS } from '../bench/replay/replay.js';
import type { SimSettings } from '../bench/replay/replay-types.js';
import { benchCommand } from '../src/cli/bench-cmd.js';

const argv = process.argv.slice(2);
/** Takes `--NAME S` out of argv; undefined when absent. */
function take(name: string): number | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} wants seconds ≥ 0, got ${argv[i + 1]}`);
  argv.splice(i, 2);
  return v;
}
const sim = DEFAULT_SIM_SETTINGS as { -readonly [K in keyof SimSettings]: SimSettings[K] };
sim.nodeRemoveDelayS = take('--remove-delay') ?? sim.nodeRemoveDelayS;
sim.nodeProvisionDelayS = take('--provision-delay') ?? sim.nodeProvisionDelayS;
process.stderr.write(`bench-mechanics: provisioning ${sim.nodeProvisionDelayS} s, removal delay ${sim.nodeRemoveDelayS} s\n`);
process.exit(await benchCommand(argv, { stdout: process.stdout, stderr: process.stderr, stderrIsTty: false }));
