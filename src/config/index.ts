/**
 * burstguard's configuration: the `config.yaml` key of the `burstguard` ConfigMap, validated with zod,
 * every field defaulted, unknown keys rejected. See docs/configuration.md for every field.
 */
import { parseConfigObject } from './parse.js';
import type { Config } from './types.js';

export type {
  Config,
  ConfigIssue,
  HintsConfig,
  HttpConfig,
  AgentSandboxConfig,
  KedaConfig,
  LeaderElectionConfig,
  LogConfig,
  LogLevel,
  MetricNames,
  PrewarmWindow,
  PrometheusConfig,
  QueriesConfig,
  ScaledObjectTarget,
  WarmPoolTarget,
  SchedulesConfig,
  TargetsConfig,
} from './types.js';
export { CONFIG_KEY, configTextFrom, loadConfigFile, loadConfigFileDetailed } from './load.js';
export { formatIssues, formatPath, parseConfigObject, parseConfigYaml } from './parse.js';
export { configSchema } from './schema.js';
export { configMapYaml, configToInput, configToYaml } from './serialize.js';

/** The configuration an empty ConfigMap yields: dry-run, predictive policy, safe guards. */
export function defaultConfig(): Config {
  const r = parseConfigObject({});
  // The defaults are part of the schema; if they ever fail to validate, that is a programming error.
  if (!r.ok) throw new Error(`burstguard: built-in defaults are invalid: ${JSON.stringify(r.error)}`);
  return r.value;
}
