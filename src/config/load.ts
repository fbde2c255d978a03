import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { err, type Result } from '../core/result.js';
import { formatIssues, parseConfigYaml } from './parse.js';
import type { Config, ConfigIssue } from './types.js';

/** The ConfigMap key that holds the configuration. */
export const CONFIG_KEY = 'config.yaml';

function isConfigMap(doc: unknown): doc is { kind: 'ConfigMap'; metadata?: { name?: unknown }; data?: Record<string, unknown> } {
  return doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'ConfigMap';
}

/**
 * Extracts the config text from a file's content: a ConfigMap manifest (`kind: ConfigMap` with
 * `data."config.yaml"`), a multi-document manifest holding one (e.g. rendered Helm output; the one named
 * `burstguard` wins, else the only one with the key), or a bare config YAML. Lets `bench --config` take
 * the very manifest that is applied to the cluster.
 */
export function configTextFrom(content: string): Result<string, ConfigIssue[]> {
  let docs: unknown[];
  try {
    docs = parseAllDocuments(content).flatMap((d) => ('toJS' in d && d.errors.length === 0 ? [d.toJS() as unknown] : []));
  } catch {
    return { ok: true, value: content }; // let parseConfigYaml report the YAML error with its line
  }
  const maps = docs.filter(isConfigMap);
  if (maps.length === 0) return { ok: true, value: content };
  const withKey = maps.filter((m) => typeof m.data?.[CONFIG_KEY] === 'string');
  const chosen = withKey.find((m) => m.metadata?.name === 'burstguard') ?? (withKey.length === 1 ? withKey[0] : undefined);
  if (chosen === undefined) {
    const message =
      withKey.length > 1
        ? `several ConfigMaps hold '${CONFIG_KEY}' and none is named burstguard`
        : `ConfigMap has no '${CONFIG_KEY}' key`;
    return err([{ path: `data.${CONFIG_KEY}`, message }]);
  }
  return { ok: true, value: chosen.data?.[CONFIG_KEY] as string };
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
