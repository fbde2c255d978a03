import { z } from 'zod';
import type { EngineConfig, GuardConfig } from '../engine/engine-config.js';
import { resourcesSchema } from './resources-schema.js';

const fraction = (): z.ZodNumber => z.number().min(0).max(1);
const seconds = (): z.ZodNumber => z.number().positive();

/** Safety rails; defaults lean safe (raise fast, lower slowly, keep a margin above usage). */
export const guardSchema = z
  .strictObject({
    minResources: resourcesSchema({ memory: '64Mi', cpu: '50m' }, 'Floor for requests and limits of a managed container.'),
    maxResources: resourcesSchema({ memory: '16Gi', cpu: '8' }, 'Ceiling for requests and limits of a managed container.'),
    usageMarginFraction: fraction()
      .prefault(0.15)
      .describe('Limits stay at least this fraction above the recent peak usage (0.15 = +15 %).'),
    usageWindowS: seconds().prefault(900).describe('How far back "recent peak usage" looks, in seconds.'),
    minChangeFraction: fraction()
      .prefault(0.05)
      .describe('Hysteresis: a change smaller than this fraction of the current value is not made.'),
    downscaleCooldownS: z
      .number()
      .min(0)
      .prefault(600)
      .describe('No decrease until this many seconds after the last raise of the pod (a burst that just happened may recur).'),
    decreaseIntervalS: z
      .number()
      .min(0)
      .prefault(60)
      .describe('A decrease comes at least this many seconds after the previous change of the pod (slow steps down).'),
    maxDecreaseFraction: fraction()
      .prefault(0.25)
      .describe('A decrease lowers a value by at most this fraction per action (0.25 = to 75 % at least).'),
  })
  .superRefine((g, ctx) => {
    if (g.minResources.memBytes > g.maxResources.memBytes) {
      ctx.addIssue({ code: 'custom', path: ['minResources', 'memory'], message: 'must not exceed maxResources.memory' });
    }
    if (g.minResources.cpuCores > g.maxResources.cpuCores) {
      ctx.addIssue({ code: 'custom', path: ['minResources', 'cpu'], message: 'must not exceed maxResources.cpu' });
    }
  })
  .prefault({})
  .describe('Safety rails every recommendation passes through before it becomes an action.');

/** The engine section: what one tick needs to know. */
export const engineSchema = z
  .strictObject({
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
      .prefault('default')
      .describe('Namespace of the agent pods (the controller manages one namespace; `run --namespace` overrides).'),
    dryRun: z
      .boolean()
      .prefault(true)
      .describe('Recommend only: write annotations, Events and metrics, change nothing. Turn off to act.'),
    tickIntervalS: seconds().prefault(15).describe('Seconds between two ticks (fetch, decide, act).'),
    initialLookbackS: seconds().prefault(600).describe('How far back the first fetch after a start looks, in seconds.'),
    scrapeIntervalS: seconds().prefault(15).describe('Resolution asked of Prometheus (query step), in seconds.'),
    staleAfterS: z
      .number()
      .min(0)
      .prefault(0)
      .describe(
        'A pod whose newest sample is older than this many seconds is held: no decreases. ' +
          '0: derived per pod from its observed sample spacing (2 × spacing + scrape interval, at least tick + scrape interval).',
      ),
    guards: guardSchema,
    actuationConcurrency: z
      .number()
      .int()
      .min(1)
      .max(256)
      .prefault(16)
      .describe("A tick's actions sent to the API server at once (resizes, scale patches); outcomes are applied in order regardless."),
    deferredBackoffS: z
      .strictObject({
        initial: seconds().prefault(30).describe('First wait after a Deferred resize, in seconds.'),
        max: seconds().prefault(600).describe('Longest wait (the wait doubles up to this), in seconds.'),
      })
      .refine((b) => b.initial <= b.max, { message: 'initial must not exceed max', path: ['initial'] })
      .prefault({})
      .describe('Back-off between attempts after the kubelet answers Deferred.'),
  })
  .prefault({})
  .describe('How the control loop runs.');

// Compile-time proof that the schema's output is what the engine consumes.
type Assert<T extends U, U> = T;
export type EngineSchemaFits = Assert<z.output<typeof engineSchema>, EngineConfig>;
export type GuardSchemaFits = Assert<z.output<typeof guardSchema>, GuardConfig>;
