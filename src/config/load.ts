import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { err, type Result } from '../core/result.js';
import { formatIssues, parseConfigYaml } from './parse.js';
import type { Config, ConfigIssue } from './types.js';

/** The ConfigMap key that holds the configuration. */
export const CONFIG_KEY = 'config.yaml';

/**
 * Extracts the config text from a file's content: a ConfigMap manifest (`kind: ConfigMap` with
 * `data."config.yaml"`) or a bare config YAML. Lets `bench --config` take the very manifest that is
 * applied to the cluster.
 */
export function configTextFrom(content: string): Result<string, ConfigIssue[]> {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch {
    return { ok: true, value: content }; // let parseConfigYaml report the YAML error with its line
  }
  if (doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'ConfigMap') {
    const data = (doc as { data?: Record<string, unknown> }).data;
    const text = data?.[CONFIG_KEY];
    if (typeof text !== 'string') {
      return err([{ path: `data.${CONFIG_KEY}`, message: `ConfigMap has no '${CONFIG_KEY}' key` }]);
    }
    return { ok: true, value: text };
  }
  return { ok: true, value: content };
}

/** Reads and validates a config file, with structured issues. */
export async function loadConfigFileDetailed(path: string): Promise<Result<Config, ConfigIssue[]>> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    return err([{ path: '', message: `cannot read ${path}: ${(e as Error).message}` }]);
  }
  const text = configTextFrom(content);
  if (!text.ok) return text;
  return parseConfigYaml(text.value);
}

/** Reads and validates a config file (ConfigMap manifest or bare YAML); the error is one readable line. */
export async function loadConfigFile(path: string): Promise<Result<Config, string>> {
  const r = await loadConfigFileDetailed(path);
  return r.ok ? r : err(`${path}: ${formatIssues(r.error)}`);
}
