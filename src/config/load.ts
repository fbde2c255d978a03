import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseAllDocuments, Scalar, type Document } from 'yaml';
import { err, type Result } from '../core/result.js';
import { formatIssues, parseConfigYaml } from './parse.js';
import type { Config, ConfigIssue } from './types.js';

/** The ConfigMap key that holds the configuration. */
export const CONFIG_KEY = 'config.yaml';

function isConfigMap(doc: unknown): doc is { kind: 'ConfigMap'; metadata?: { name?: unknown }; data?: Record<string, unknown> } {
  return doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'ConfigMap';
}

/** The config text and where it sits in the file. */
export interface ConfigText {
  readonly text: string;
  /**
   * Lines of the file before the config text's first line: a line `n` of the text is line
   * `n + lineOffset` of the file. 0 for a bare config; undefined when the text is a quoted or plain
   * scalar inside a manifest, whose lines do not map one-to-one onto the file's.
   */
  readonly lineOffset: number | undefined;
}

/**
 * Extracts the config text from a file's content: a ConfigMap manifest (`kind: ConfigMap` with
 * `data."config.yaml"`), a multi-document manifest holding one (e.g. rendered Helm output; the one named
 * `burstguard` wins, else the only one with the key), or a bare config YAML. Lets `bench --config` take
 * the very manifest that is applied to the cluster.
 */
export function configTextFrom(content: string): Result<string, ConfigIssue[]> {
  const r = locateConfigText(content);
  return r.ok ? { ok: true, value: r.value.text } : r;
}

/** {@link configTextFrom}, keeping where the text starts, so errors can name the file's own lines. */
export function locateConfigText(content: string): Result<ConfigText, ConfigIssue[]> {
  const bare = { ok: true as const, value: { text: content, lineOffset: 0 } };
  const lines = new LineCounter();
  let docs: { js: unknown; doc: Document }[];
  try {
    docs = parseAllDocuments(content, { lineCounter: lines }).flatMap((d) =>
      'toJS' in d && d.errors.length === 0 ? [{ js: d.toJS() as unknown, doc: d }] : [],
    );
  } catch {
    return bare; // let parseConfigYaml report the YAML error with its line
  }
  const maps = docs.filter((d) => isConfigMap(d.js));
  if (maps.length === 0) return bare;
  const dataOf = (d: { js: unknown }): Record<string, unknown> | undefined => (d.js as { data?: Record<string, unknown> }).data;
  const withKey = maps.filter((m) => typeof dataOf(m)?.[CONFIG_KEY] === 'string');
  const named = withKey.find((m) => (m.js as { metadata?: { name?: unknown } }).metadata?.name === 'burstguard');
  const chosen = named ?? (withKey.length === 1 ? withKey[0] : undefined);
  if (chosen === undefined) {
    const message =
      withKey.length > 1
        ? `several ConfigMaps hold '${CONFIG_KEY}' and none is named burstguard`
        : `ConfigMap has no '${CONFIG_KEY}' key`;
    return err([{ path: `data.${CONFIG_KEY}`, message }]);
  }
  return { ok: true, value: { text: dataOf(chosen)?.[CONFIG_KEY] as string, lineOffset: blockOffset(chosen.doc, lines) } };
}

/**
 * A literal block scalar (`config.yaml: |`) keeps its lines: its first content line is the one after
 * the header, so text line n is file line (header line + n). Folded, quoted and plain scalars join
 * lines: no offset then.
 */
function blockOffset(doc: Document, lines: LineCounter): number | undefined {
  const data = doc.get('data', true);
  if (!isMap(data)) return undefined;
  const node = data.get(CONFIG_KEY, true);
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  if (node.type !== Scalar.BLOCK_LITERAL) return undefined;
  return lines.linePos(node.range[0]).line;
}

/** Reads and validates a config file, with structured issues. */
export async function loadConfigFileDetailed(path: string): Promise<Result<Config, ConfigIssue[]>> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    return err([{ path: '', message: `cannot read ${path}: ${(e as Error).message}` }]);
  }
  const located = locateConfigText(content);
  if (!located.ok) return located;
  const { text, lineOffset } = located.value;
  const r = parseConfigYaml(text);
  if (r.ok) return r;
  // Lines as the file has them, not as the embedded config.yaml block counts them.
  return err(r.error.map((i) => onFileLines(i, lineOffset)));
}

function onFileLines(issue: ConfigIssue, lineOffset: number | undefined): ConfigIssue {
  if (issue.line === undefined) return issue;
  if (lineOffset !== undefined) return { ...issue, line: issue.line + lineOffset };
  const { line, ...rest } = issue;
  return { ...rest, message: `${issue.message} (line ${line} of data."${CONFIG_KEY}")` };
}

/** Reads and validates a config file (ConfigMap manifest or bare YAML); the error is one readable line. */
export async function loadConfigFile(path: string): Promise<Result<Config, string>> {
  const r = await loadConfigFileDetailed(path);
  return r.ok ? r : err(`${path}: ${formatIssues(r.error)}`);
}
