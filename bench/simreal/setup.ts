/**
 * The fixed inputs of a sim-vs-real run, shared by the script, the unit test (which replays the
 * committed measurement's sessions) and the live e2e check: which trace, how its sessions are scaled,
 * and the pods' starting sizes.
 */
import { fileURLToPath } from 'node:url';
import { readTrace } from '../../src/trace/reader.js';
import type { TraceSample } from '../../src/trace/types.js';
import { bySession, pickSessions, type GridSession } from './sessions.js';

const MiB = 2 ** 20;

/** The bundled trace whose memory and CPU are measured, not modelled (docs/traces.md). */
export const REAL_MEMORY_TRACE = fileURLToPath(new URL('../traces/agentcgroup/agentcgroup-haiku.jsonl.gz', import.meta.url));

/**
 * Sizes and scales for a 3 GiB real node on a shared 2-core machine:
 * - memory × 0.5: the trace's sessions sit at ~190 MB with bursts to 2 GB; halved, twelve at once fit
 *   the node's 3 GiB with room for a burst or two, and the node never runs out (no node-level kills,
 *   which would make the comparison about the machine's other tenants);
 * - CPU × 0.25: the agents really burn what they replay; a quarter keeps twelve of them under half a
 *   core on average, so the machine's other work does not starve the kubelet and skew its timings;
 * - pods start at requests 128 Mi / 50m and limits 176 Mi / 250m: above every halved session's
 *   baseline (~90 MiB for the unlimited runs, ~155 MiB for the 4g2cpu ones) with at least 20 MiB to
 *   spare, below the test-run bursts of five of the twelve seed-1 sessions (184–231 MiB), so `static`
 *   meets real OOM kills and crash loops, and `predictive` has something to prevent.
 */
export const SIM_REAL_SIZES = {
  memScale: 0.5,
  cpuScale: 0.25,
  requests: { memBytes: 128 * MiB, cpuCores: 0.05 },
  limits: { memBytes: 176 * MiB, cpuCores: 0.25 },
  nodeAllocatable: { memBytes: 3 * 1024 * MiB, cpuCores: 2 },
} as const;

export interface PickRequest {
  readonly count: number;
  readonly windowS: number;
  readonly seed: number;
}

/** The run's sessions, picked from the real-memory trace with the seed. */
export async function loadSessions(req: PickRequest, trace = REAL_MEMORY_TRACE): Promise<GridSession[]> {
  const opened = await readTrace(trace);
  const samples: TraceSample[] = [];
  for await (const s of opened.samples) samples.push(s);
  return pickSessions(bySession(samples), { ...req, memScale: SIM_REAL_SIZES.memScale, cpuScale: SIM_REAL_SIZES.cpuScale });
}
