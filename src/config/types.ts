import type { ResizeSafetyConfig } from './resize-safety-schema.js';
import type { EngineConfig } from '../engine/engine-config.js';
import type { PolicyName, PolicySettings } from '../policy/registry.js';

/** Which pods burstguard manages. */
export interface TargetsConfig {
  readonly labelSelector: string;
  readonly agentClassLabel: string;
  /** Container to size; '' means the pod's first container. */
  readonly container: string;
}

/** PromQL overrides per signal; '' means the default for `metricNames`. */
export interface QueriesConfig {
  readonly memory: string;
  readonly cpu: string;
  readonly contextTokens: string;
  readonly toolCallsInFlight: string;
  readonly toolCalls: string;
  readonly toolErrors: string;
  readonly toolRetries: string;
}

export type MetricNames = 'cadvisor' | 'otel-genai';

export interface PrometheusConfig {
  readonly url: string;
  readonly timeoutMs: number;
  /** '' when no token is sent. */
  readonly bearerTokenFile: string;
  /** '' for the system CAs. */
  readonly caFile: string;
  readonly insecureSkipVerify: boolean;
  readonly podLabel: string;
  readonly namespaceLabel: string;
  /** '' for the default of `metricNames`. */
  readonly toolLabel: string;
  /** 0 for four times the step. */
  readonly rateWindowS: number;
  /** Longest sample-to-arrival delay in Prometheus; the look-back overlap is the step plus this. */
  readonly ingestionDelayS: number;
  readonly metricNames: MetricNames;
  readonly queries: QueriesConfig;
}

export interface ScaledObjectTarget {
  readonly name: string;
  readonly agentClass: string;
  readonly maxPrewarmReplicas: number;
}

export interface ExternalScalerConfig {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
}

export interface KedaConfig {
  readonly scaledObjects: readonly ScaledObjectTarget[];
  readonly restoreAfterS: number;
  readonly mode: 'patch' | 'externalScaler';
  readonly triggerMetadata: Readonly<Record<string, string>>;
  readonly externalScaler: ExternalScalerConfig;
}

/** A SandboxWarmPool (sigs.k8s.io/agent-sandbox) burstguard may pre-warm. */
export interface WarmPoolTarget {
  readonly name: string;
  /** Pre-warm windows of this class apply to it ('' in a window: every class). */
  readonly agentClass: string;
  readonly maxPrewarmReplicas: number;
}

export interface AgentSandboxConfig {
  readonly enabled: boolean;
  readonly warmPools: readonly WarmPoolTarget[];
  readonly restoreAfterS: number;
  readonly claims: {
    /** PromQL override ('' = the default over agent_sandbox_claim_creation_total). */
    readonly query: string;
    /** The label of the query's answer that names the warm pool. */
    readonly poolLabel: string;
    readonly horizonS: number;
  };
  readonly writeBack: {
    readonly enabled: boolean;
    readonly minChangeFraction: number;
  };
}

/** A scheduled pre-warm window: exactly one of minReplicas and scaleFactor is set. */
export interface PrewarmWindow {
  readonly name: string;
  readonly cron: string;
  readonly durationMinutes: number;
  /** '' for every class. */
  readonly agentClass: string;
  readonly minReplicas?: number | undefined;
  readonly scaleFactor?: number | undefined;
}

export interface SchedulesConfig {
  readonly modelRefit: string;
  readonly prewarm: readonly PrewarmWindow[];
}

export interface LeaderElectionConfig {
  readonly enabled: boolean;
  readonly leaseName: string;
  readonly leaseDurationS: number;
  readonly renewDeadlineS: number;
  readonly retryPeriodS: number;
}

export interface HttpConfig {
  readonly port: number;
}

export interface HintsConfig {
  readonly enabled: boolean;
  readonly audience: string;
  readonly ratePerMinute: number;
  readonly burst: number;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogConfig {
  readonly level: LogLevel;
}

/** burstguard's whole configuration, as one ConfigMap holds it. */
export interface Config {
  readonly engine: EngineConfig;
  readonly policy: PolicyName;
  readonly policies: PolicySettings;
  readonly targets: TargetsConfig;
  readonly prometheus: PrometheusConfig;
  readonly keda: KedaConfig;
  readonly agentSandbox: AgentSandboxConfig;
  readonly schedules: SchedulesConfig;
  readonly leaderElection: LeaderElectionConfig;
  readonly http: HttpConfig;
  readonly hints: HintsConfig;
  readonly log: LogConfig;
  readonly resizeSafety: ResizeSafetyConfig;
}

/** One reason a config was rejected: the field path (e.g. `policies.predictive.riskBudget`) and what is wrong. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line in the YAML text, when known. */
  readonly line?: number;
}
