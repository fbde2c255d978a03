import type { Clock } from '../../src/engine/ports.js';
import { SIM_EPOCH_MS } from './defaults.js';

/** The bench's time source: trace seconds mapped onto a fixed epoch, moved only by the replay loop. */
export class VirtualClock implements Clock {
  private ms = SIM_EPOCH_MS;

  now(): number {
    return this.ms;
  }

  /** Sets the clock to trace time `tS` (seconds since trace start). */
  setTraceSeconds(tS: number): void {
    this.ms = traceMs(tS);
  }
}

/** Epoch ms of a trace time. Rounded to whole ms so that float steps never leak into timestamps. */
export function traceMs(tS: number): number {
  return SIM_EPOCH_MS + Math.round(tS * 1000);
}
