// Placeholder until the config module lands (its owner replaces this file, keeping these exports).
import type { EngineConfig } from '../engine/engine-config.js';
import type { PolicySettings } from '../policy/registry.js';
import type { Result } from '../core/result.js';

/** burstguard's whole configuration, as one ConfigMap holds it. */
export interface Config {
  readonly engine: EngineConfig;
  readonly policy: string;
  readonly policies: PolicySettings;
}

export declare function defaultConfig(): Config;
export declare function loadConfigFile(path: string): Promise<Result<Config, string>>;
