import { scanTrace } from '../../src/trace/reader.js';
import type { TraceSample } from '../../src/trace/types.js';
import type { FitSession } from '../../models/fit/fit-prior.js';
import { groupSessions } from './sessions.js';

/** Reads (and validates) a whole trace into its sessions, with the trace's name from its header. */
export async function readSessions(path: string): Promise<{ name: string; sessions: FitSession[] }> {
  const samples: TraceSample[] = [];
  const { header } = await scanTrace(path, (s) => samples.push(s));
  return { name: header.name, sessions: groupSessions(samples) };
}
