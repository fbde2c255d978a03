/**
 * A replay worker thread: holds the trace's sample sets (sent once, in workerData) and answers
 * `{ id, set, task }` with `{ id, score }` or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import { scorePoint, type ReplayTask } from './score-point.js';

interface Init {
  readonly header: TraceHeader;
  readonly sets: readonly (readonly TraceSample[])[];
}

const init = workerData as Init;

parentPort?.on('message', (m: { id: number; set: number; task: ReplayTask }) => {
  scorePoint(init.header, init.sets[m.set] ?? [], m.task).then(
    (score) => parentPort?.postMessage({ id: m.id, score }),
    (e: unknown) => parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
