import { z } from 'zod';
import { POLICY_NAMES } from '../policy/registry.js';
import { engineSchema } from './engine-schema.js';
import { policiesSchema } from './policies-schema.js';
import { agentSandboxSchema } from './agent-sandbox-schema.js';
import {
  hintsSchema,
  httpSchema,
  kedaSchema,
  leaderElectionSchema,
  logSchema,
  prometheusSchema,
  schedulesSchema,
  targetsSchema,
} from './sections-schema.js';
import { resizeSafetySchema } from './resize-safety-schema.js';
import type { Config } from './types.js';

/**
 * The whole `config.yaml` of the `burstguard` ConfigMap. Every field has a default, so `{}` is a valid
 * config (dry-run, predictive policy); unknown keys are errors, so a typo never silently does nothing.
 */
export const configSchema = z
  .strictObject({
    engine: engineSchema,
    policy: z
      .enum(POLICY_NAMES)
      .prefault('predictive')
      .describe(`The policy that acts: ${POLICY_NAMES.join(', ')}.`),
    policies: policiesSchema,
    targets: targetsSchema,
    resizeSafety: resizeSafetySchema,
    prometheus: prometheusSchema,
    keda: kedaSchema,
    agentSandbox: agentSandboxSchema,
    schedules: schedulesSchema,
    leaderElection: leaderElectionSchema,
    http: httpSchema,
    hints: hintsSchema,
    log: logSchema,
  })
  .describe('burstguard configuration (ConfigMap `burstguard`, key `config.yaml`).');

/** What the schema produces. */
export type ConfigOutput = z.output<typeof configSchema>;

// Compile-time proof that what the schema yields is the `Config` the rest of the code consumes.
type Assert<T extends U, U> = T;
export type ConfigSchemaFits = Assert<ConfigOutput, Config>;
