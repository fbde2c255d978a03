import { z } from 'zod';

/**
 * The `agentSandbox` section: kubernetes-sigs/agent-sandbox (module sigs.k8s.io/agent-sandbox v1.0.1).
 * Pre-warming SandboxWarmPools through their scale subresource, claim arrivals from the agent-sandbox
 * controller's metrics, and writing in-place resizes back into the owning Sandbox (docs/agent-sandbox.md).
 */

/** A SandboxWarmPool burstguard may pre-warm. */
export const warmPoolSchema = z.strictObject({
  name: z.string().min(1).describe('SandboxWarmPool name in the managed namespace.'),
  agentClass: z.string().prefault('').describe("Agent class whose pre-warm windows (schedules.prewarm) apply to it; '' only windows for every class."),
  maxPrewarmReplicas: z.number().int().min(0).describe('Highest spec.replicas burstguard sets (never below the user\'s own value).'),
});

export const claimsSchema = z
  .strictObject({
    query: z
      .string()
      .prefault('')
      .describe(
        'PromQL giving the total claims per warm pool (a counter sum, read once per tick); placeholders {namespace}, {namespaceLabel}. ' +
          "Empty: sum by (warmpool_name) (agent_sandbox_claim_creation_total{{namespaceLabel}=\"{namespace}\"}). An empty answer means no claim forecast.",
      ),
    poolLabel: z.string().min(1).prefault('warmpool_name').describe('Label of the answer that names the SandboxWarmPool.'),
    horizonS: z
      .number()
      .positive()
      .prefault(60)
      .describe('Seconds of claims ahead a pool is pre-warmed for: about the time a new warm sandbox needs to become Ready.'),
  })
  .prefault({})
  .describe("Claim arrivals, read from the agent-sandbox controller's metrics and forecast like sessions (policies.predictive arrival settings).");

export const writeBackSchema = z
  .strictObject({
    enabled: z.boolean().prefault(true).describe("After an in-place resize of a Sandbox's pod has been applied, write the resources into the Sandbox's spec.podTemplate."),
    minChangeFraction: z
      .number()
      .min(0)
      .max(1)
      .prefault(0.1)
      .describe('Write back only when a request or limit differs from the podTemplate by more than this fraction (or is absent there).'),
  })
  .prefault({})
  .describe('Keeping resizes across suspend/resume and re-creation.');

export const agentSandboxSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .prefault(false)
      .describe('Watch Sandboxes (agents.x-k8s.io) and act on the warm pools below; needs the agent-sandbox CRDs and the Role\'s agent-sandbox rules.'),
    warmPools: z
      .array(warmPoolSchema)
      .prefault([])
      .describe('SandboxWarmPools to pre-warm: name, agentClass, maxPrewarmReplicas. A pool an HPA scales is left alone.'),
    restoreAfterS: z
      .number()
      .positive()
      .prefault(600)
      .describe("Seconds after the last pre-warm window closed before the user's spec.replicas is restored."),
    claims: claimsSchema,
    writeBack: writeBackSchema,
  })
  .prefault({})
  .describe('kubernetes-sigs/agent-sandbox: pre-warm SandboxWarmPools, forecast claims, keep resizes in the Sandbox (docs/agent-sandbox.md).');
