import cron from 'node-cron';
import { z } from 'zod';

/** A node-cron expression (5 or 6 fields), checked when the config loads rather than when it fires. */
export const cronSchema = z.string().refine((s) => cron.validate(s), {
  message: 'is not a valid cron expression (node-cron: [second] minute hour day-of-month month day-of-week)',
});

const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a label key');

/** Which pods burstguard manages. */
export const targetsSchema = z
  .strictObject({
    labelSelector: z
      .string()
      .min(1)
      .prefault('burstguard.io/managed=true')
      .describe('Label selector of the agent pods to manage (Kubernetes selector syntax).'),
    agentClassLabel: labelKey
      .prefault('burstguard.io/agent-class')
      .describe('Pod label whose value names the agent class (models and KEDA objects are per class).'),
    container: z
      .string()
      .prefault('')
      .describe("Name of the container to size; empty means the pod's first container."),
  })
  .prefault({})
  .describe('The agent pods burstguard watches and sizes.');

/** The PromQL behind each signal; empty means the built-in default for `metricNames`. */
export const queriesSchema = z
  .strictObject({
    memory: z
      .string()
      .prefault('')
      .describe('Working-set memory, bytes: a range selector of raw series carrying the pod label, ending in [{window}].'),
    cpu: z
      .string()
      .prefault('')
      .describe('CPU usage counter, seconds: a range selector of raw series carrying the pod label, ending in [{window}] (rates come from consecutive samples).'),
    contextTokens: z.string().prefault('').describe('Context tokens at the latest model call, per pod.'),
    toolCallsInFlight: z.string().prefault('').describe('Tool calls in flight per pod and tool (label `toolLabel`).'),
    toolCalls: z.string().prefault('').describe('Tool calls made in the step interval, per pod.'),
    toolErrors: z.string().prefault('').describe('Tool errors in the step interval, per pod.'),
    toolRetries: z.string().prefault('').describe('Tool retries in the step interval, per pod.'),
  })
  .prefault({})
  .describe(
    'PromQL per signal, overriding the defaults (empty: the default). Placeholders: {namespace}, {namespaceLabel}, ' +
      '{podLabel}, {toolLabel}, {containerMatcher}, {step} (e.g. 15s), {stepS} (e.g. 15), {rateWindow} (e.g. 60s), ' +
      '{window} (the look-back of the raw memory and CPU selectors). Each agent-signal query must return at most one series ' +
      'per pod (aggregate `by ({podLabel})`).',
  );

/** Where metrics come from. */
export const prometheusSchema = z
  .strictObject({
    url: z
      .url()
      .prefault('http://prometheus-operated.monitoring.svc:9090')
      .describe('Base URL of the Prometheus HTTP API (without /api/v1).'),
    timeoutMs: z.number().int().positive().prefault(10000).describe('Timeout of one query, in milliseconds.'),
    bearerTokenFile: z
      .string()
      .prefault('')
      .describe('File holding a bearer token sent as Authorization (re-read when it changes; never logged). Empty: none.'),
    caFile: z.string().prefault('').describe('PEM file of the CA that signs the Prometheus certificate. Empty: system CAs.'),
    insecureSkipVerify: z
      .boolean()
      .prefault(false)
      .describe('Skip TLS certificate verification (testing only).'),
    podLabel: labelKey.prefault('pod').describe('Label that carries the pod name on every series.'),
    namespaceLabel: labelKey.prefault('namespace').describe('Label that carries the namespace on every series.'),
    toolLabel: z
      .string()
      .prefault('')
      .describe("Label naming the tool on the in-flight series; empty: 'tool' (cadvisor) or 'gen_ai_tool_name' (otel-genai)."),
    rateWindowS: z
      .number()
      .min(0)
      .prefault(0)
      .describe('Window of rate() for counters, in seconds; 0: four times the step (the scrape interval).'),
    ingestionDelayS: z
      .number()
      .min(0)
      .prefault(5)
      .describe(
        'Longest delay between a sample\'s timestamp and its arrival in Prometheus, in seconds (cAdvisor: 0.5–5 s). ' +
          'Each fetch reads back from the newest sample seen per pod by the scrape interval plus this, so late samples are still read.',
      ),
    metricNames: z
      .enum(['cadvisor', 'otel-genai'])
      .prefault('cadvisor')
      .describe(
        "Names of the agent series: 'cadvisor' uses burstguard_agent_* (with cAdvisor for memory/CPU), " +
          "'otel-genai' uses the OpenTelemetry GenAI semantic-convention names (gen_ai_*).",
      ),
    queries: queriesSchema,
  })
  .prefault({})
  .describe('The Prometheus server burstguard reads metrics from.');

/** A KEDA ScaledObject burstguard may pre-scale. */
export const scaledObjectSchema = z.strictObject({
  name: z.string().min(1).describe('ScaledObject name in the managed namespace.'),
  agentClass: z.string().min(1).describe('Agent class whose predicted bursts pre-scale it.'),
  maxPrewarmReplicas: z
    .number()
    .int()
    .min(0)
    .describe('Highest minReplicaCount burstguard sets (never above the ScaledObject maxReplicaCount).'),
});

/** KEDA pre-scaling. */
export const kedaSchema = z
  .strictObject({
    scaledObjects: z
      .array(scaledObjectSchema)
      .prefault([])
      .describe('ScaledObjects to manage: name, agentClass, maxPrewarmReplicas. Empty: no KEDA actions.'),
    restoreAfterS: z
      .number()
      .positive()
      .prefault(600)
      .describe('Seconds after the predicted burst (or pre-warm window) ends before the original minReplicaCount is restored.'),
  })
  .prefault({})
  .describe('KEDA ScaledObjects burstguard raises ahead of predicted bursts and restores afterwards.');

/** A scheduled pre-warm window. */
export const prewarmSchema = z
  .strictObject({
    name: z.string().prefault('').describe('Name shown in logs and Events.'),
    cron: cronSchema.describe('When the window starts (node-cron expression).'),
    durationMinutes: z.number().positive().describe('How long the window lasts, in minutes.'),
    agentClass: z.string().prefault('').describe('Agent class (and its ScaledObjects) it applies to; empty: all.'),
    minReplicas: z.number().int().min(0).optional().describe('minReplicaCount during the window.'),
    scaleFactor: z.number().positive().optional().describe('Or: multiply the original minReplicaCount by this.'),
  })
  .superRefine((w, ctx) => {
    if ((w.minReplicas === undefined) === (w.scaleFactor === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'set exactly one of minReplicas or scaleFactor' });
    }
  });

/** Cron-driven work. */
export const schedulesSchema = z
  .strictObject({
    modelRefit: cronSchema.prefault('*/30 * * * *').describe('When burst models are refitted (node-cron expression).'),
    prewarm: z
      .array(prewarmSchema)
      .prefault([])
      .describe('Pre-warm windows: {name, cron, durationMinutes, agentClass, minReplicas | scaleFactor}.'),
  })
  .prefault({})
  .describe('Periodic model refits and scheduled pre-warm windows.');

/** Lease-based leader election. */
export const leaderElectionSchema = z
  .strictObject({
    enabled: z.boolean().prefault(true).describe('Only the holder of the Lease acts; turn off for a single replica.'),
    leaseName: z.string().min(1).prefault('burstguard').describe('coordination.k8s.io Lease name in the namespace.'),
    leaseDurationS: z.number().positive().prefault(15).describe('How long a lease is valid without renewal, in seconds.'),
    renewDeadlineS: z.number().positive().prefault(10).describe('The leader steps down if it cannot renew within this, in seconds.'),
    retryPeriodS: z.number().positive().prefault(2).describe('Seconds between acquire/renew attempts.'),
  })
  .superRefine((l, ctx) => {
    if (l.renewDeadlineS >= l.leaseDurationS) {
      ctx.addIssue({ code: 'custom', path: ['renewDeadlineS'], message: 'must be less than leaseDurationS' });
    }
    if (l.retryPeriodS >= l.renewDeadlineS) {
      ctx.addIssue({ code: 'custom', path: ['retryPeriodS'], message: 'must be less than renewDeadlineS' });
    }
  })
  .prefault({})
  .describe('Leader election so two replicas are safe.');

/** The controller's own HTTP endpoints. */
export const httpSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65535).prefault(8080).describe('Port of /metrics, /healthz and /readyz.'),
  })
  .prefault({})
  .describe('The controller\'s HTTP server.');

/** Logging. */
export const logSchema = z
  .strictObject({
    level: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
      .prefault('info')
      .describe('Minimum level of the JSON logs.'),
  })
  .prefault({})
  .describe('Structured (pino JSON) logs.');
