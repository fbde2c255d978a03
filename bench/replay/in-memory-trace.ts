import type { TraceSample } from '../../src/trace/types.js';

/**
 * Samples held in memory, shaped for `ReplayInput.open`: still an AsyncIterable (the contract), and
 * still an array, which the simulator's feed reads by index without a promise per sample.
 */
export function inMemoryStream(samples: readonly TraceSample[]): AsyncIterable<TraceSample> {
  const copy = samples.slice() as TraceSample[] & AsyncIterable<TraceSample>;
  Object.defineProperty(copy, Symbol.asyncIterator, {
    enumerable: false,
    value: async function* (): AsyncGenerator<TraceSample> {
      await Promise.resolve();
      yield* samples;
    },
  });
  return copy;
}
