import type { SessionData } from './session.js';

/**
 * A trace handed to the simulator as whole sessions rather than samples: what `--scale` and
 * `--duration` build (bench/replay/scale-trace.ts). The feed takes it on a fast path: no sample
 * objects, no merge, copies sharing their recorded columns. Each call builds fresh session objects,
 * in arrival order.
 */
export interface PrebuiltSessions {
  readonly prebuiltSessions: () => SessionData[];
}

export function isPrebuilt(x: unknown): x is PrebuiltSessions {
  return typeof (x as Partial<PrebuiltSessions>).prebuiltSessions === 'function';
}
