/**
 * Agent-class priors: what a pod of a known class looks like before it has history of its own, so a
 * new pod starts well sized. Each class lives in models/priors/<class>.json with the provenance of
 * every number; this module validates them (zod) and picks one per class, falling back to `default`.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../src/core/result.js';
import type { ContextPrior } from '../context-growth.js';
import type { QuantileKnots } from '../headroom.js';
import type { ToolLoopPrior } from '../tool-loop.js';
import chatJson from './chat.json' with { type: 'json' };
import defaultJson from './default.json' with { type: 'json' };
import sweLimitedJson from './swe-limited.json' with { type: 'json' };
import sweJson from './swe.json' with { type: 'json' };

const nonNeg = z.number().finite().nonnegative();
const knots = z
  .object({ p50: nonNeg, p90: nonNeg, p99: nonNeg, max: nonNeg, n: z.number().int().positive() })
  .refine((k) => k.p50 <= k.p90 && k.p90 <= k.p99 && k.p99 <= k.max, { message: 'quantile knots must be ordered p50 <= p90 <= p99 <= max' });
const byState = z
  .record(z.string().min(1), knots)
  .refine((r) => r['*'] !== undefined && r['idle'] !== undefined, { message: "needs entries for 'idle' and '*'" });

const priorSchema = z.object({
  agentClass: z.string().min(1),
  description: z.string(),
  source: z.string().min(1),
  horizonS: z.number().positive(),
  weight: nonNeg,
  memory: z.object({ baselineBytes: nonNeg, startupPeakBytes: knots, excessBytes: byState, bytesPerToken: z.number().finite(), bytesPerTokenWeight: nonNeg }),
  cpu: z.object({ baselineCores: nonNeg, peakCores: byState }),
  toolLoop: z.object({
    meanDurationS: z.record(z.string(), z.number().positive()).refine((r) => r['*'] !== undefined, { message: "needs an entry for '*'" }),
    pRetryContinues: z.number().min(0).max(1),
    retryBackoffS: z.number().positive(),
    retryBackoffFactor: z.number().min(1),
    weight: nonNeg,
  }),
  context: z.object({
    tokensPerStepMean: z.number().finite(),
    tokensPerStepSd: nonNeg,
    stepIntervalS: z.number().positive(),
    windowCapTokens: z.number().positive(),
    compactionKeepFraction: z.number().min(0).max(1),
    weightSteps: nonNeg,
  }),
  sessionS: knots.optional(),
  provenance: z.record(z.string(), z.string()),
});

/** One agent class's prior, validated. */
export interface AgentClassPrior {
  readonly agentClass: string;
  readonly description: string;
  readonly source: string;
  /** The horizon the excess knots were measured over. */
  readonly horizonS: number;
  /** How many samples the burst tails are worth when mixed with observed ones. */
  readonly weight: number;
  readonly memory: {
    readonly baselineBytes: number;
    /** Peak usage over a pod's first minute, before an action based on its own samples can land. */
    readonly startupPeakBytes: QuantileKnots;
    /** Peak excess above baseline over the horizon, by the state (tool category or `idle`) at its start. */
    readonly excessBytes: Readonly<Record<string, QuantileKnots>>;
    readonly bytesPerToken: number;
    readonly bytesPerTokenWeight: number;
  };
  readonly cpu: { readonly baselineCores: number; readonly peakCores: Readonly<Record<string, QuantileKnots>> };
  readonly toolLoop: ToolLoopPrior;
  readonly context: ContextPrior;
  /**
   * Session lengths (s, first to last sample) of the class's own sessions, when fitted on them; absent
   * in a prior pooled over classes, which says nothing about one class's sessions.
   */
  readonly sessionS?: QuantileKnots;
  readonly provenance: Readonly<Record<string, string>>;
}

/** Validates one prior (e.g. a user's own JSON); errors name the field. */
export function parsePrior(raw: unknown, label = 'prior'): Result<AgentClassPrior, string> {
  const r = priorSchema.safeParse(raw);
  if (r.success) return ok(r.data as AgentClassPrior);
  const first = r.error.issues[0];
  return err(`${label}: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`);
}

function mustParse(raw: unknown, label: string): AgentClassPrior {
  const r = parsePrior(raw, label);
  // The bundled files are part of the product: a broken one is a build defect, caught by the tests.
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The priors shipped with burstguard, by agent class. */
export const BUNDLED_PRIORS: ReadonlyMap<string, AgentClassPrior> = new Map(
  [
    mustParse(defaultJson, 'models/priors/default.json'),
    mustParse(sweJson, 'models/priors/swe.json'),
    mustParse(sweLimitedJson, 'models/priors/swe-limited.json'),
    mustParse(chatJson, 'models/priors/chat.json'),
  ].map((p) => [p.agentClass, p] as const),
);

/** The prior for a class: its own, else `default`. */
export function priorFor(agentClass: string, priors: ReadonlyMap<string, AgentClassPrior> = BUNDLED_PRIORS): AgentClassPrior {
  const p = priors.get(agentClass) ?? priors.get('default') ?? BUNDLED_PRIORS.get('default');
  if (!p) throw new Error('no default prior');
  return p;
}

/** The knots for a state, falling back to the class's `*` (any tool) entry. */
export function knotsFor(table: Readonly<Record<string, QuantileKnots>>, state: string): QuantileKnots {
  const k = table[state] ?? table['*'];
  if (!k) throw new Error(`prior has no '*' entry`);
  return k;
}
