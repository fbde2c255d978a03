/**
 * Replays in parallel on worker threads (`--jobs N`). Each worker gets the sample sets once and then
 * replays one task at a time; tasks are handed out as workers free up, and results come back in task
 * order, so the output does not depend on N. With one job everything runs inline on this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import type { Score } from './pareto.js';
import { scorePoint, type ReplayTask } from './score-point.js';

/** One replay to run: which sample set, which setting. */
export interface Job {
  readonly set: number;
  readonly task: ReplayTask;
}

/** The default `--jobs`: the machine's cores. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The worker's module: the built .js, or the .ts source when running under tsx (the worker loads tsx too). */
function startWorker(workerData: unknown): Worker {
  const url = new URL(`./worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
  if (!FROM_SOURCE) return new Worker(url, { workerData });
  // Under tsx the worker registers tsx's loader itself before importing the .ts module.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** Runs the jobs; `onDone` counts finished ones (progress). Rejects on the first failed replay. */
export async function runJobs(header: TraceHeader, sets: readonly (readonly TraceSample[])[], jobs: readonly Job[], n: number, onDone?: (done: number) => void): Promise<Score[]> {
  const results: Score[] = new Array<Score>(jobs.length);
  let done = 0;
  if (n <= 1 || jobs.length <= 1) {
    for (const [i, j] of jobs.entries()) {
      results[i] = await scorePoint(header, sets[j.set] ?? [], j.task);
      onDone?.(++done);
    }
    return results;
  }
  const workers = Array.from({ length: Math.min(n, jobs.length) }, () => startWorker({ header, sets }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = (): void => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              const j = jobs[id];
              if (j !== undefined) w.postMessage({ id, set: j.set, task: j.task });
            };
            w.on('message', (m: { id: number; score?: Score; error?: string }) => {
              if (m.error !== undefined || m.score === undefined) return reject(new Error(`replay ${m.id + 1} failed: ${m.error ?? 'no result'}`));
              results[m.id] = m.score;
              onDone?.(++done);
              give();
            });
            w.on('error', reject);
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
