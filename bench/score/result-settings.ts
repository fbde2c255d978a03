import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { SimSettings } from '../replay/replay-types.js';
import { DEFAULT_SIM_TUNING } from '../sim/defaults.js';
import type { ResultSettings } from './result-types.js';
import type { HintSettings } from '../sim/hints.js';
import { hintedPredictiveOptions } from '../replay/hinted-policies.js';

/** How a bench run shaped its traces and seeded its cluster (`--scale`, `--duration`, `--seed`, `--warmup`). */
export interface RunShape {
  readonly scale: number;
  readonly durationS?: number | undefined;
  readonly seed: number;
  readonly warmupS: number;
  /** `--hints`: how the `NAME+hints` rows' hints travelled; absent without `--hints`. */
  readonly hints?: HintSettings | undefined;
}

/**
 * `settings` of a resize result: every knob the simulated cluster ran with, so a result file says how
 * to reproduce it. The node shape under its contract name; the rest under the simulator's own names.
 */
export function resizeResultSettings(sim: SimSettings, engine: EngineConfig, shape: RunShape): ResultSettings {
  const { nodeAllocatable, ...knobs } = sim;
  return {
    nodeShape: { cpuCores: nodeAllocatable.cpuCores, memBytes: nodeAllocatable.memBytes },
    ...shapeSettings(shape),
    tickIntervalS: engine.tickIntervalS,
    ...knobs,
    stepS: DEFAULT_SIM_TUNING.stepS,
    lookaheadS: DEFAULT_SIM_TUNING.lookaheadS,
    kubeletSyncS: DEFAULT_SIM_TUNING.kubeletSyncS,
    minNodes: DEFAULT_SIM_TUNING.minNodes,
    drainS: DEFAULT_SIM_TUNING.drainS,
    // The hint knobs (`--hints`), or null: no row of this result was hinted.
    hints: shape.hints ? { latencyS: shape.hints.latencyS, lossRate: shape.hints.lossRate, predictiveHintLossRate: hintedPredictiveOptions(shape.hints, sim).hintLossRate ?? null } : null,
  };
}

/** The trace-shaping part every scenario shares. */
export function shapeSettings(shape: RunShape): Pick<ResultSettings, 'scale' | 'durationSeconds' | 'seed' | 'warmupSeconds'> {
  return { scale: shape.scale, durationSeconds: shape.durationS ?? null, seed: shape.seed, warmupSeconds: shape.warmupS };
}
