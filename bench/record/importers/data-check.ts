/**
 * Before an import reads the public data: are the files there? A user who installed burstguard has no
 * `../shared/data` beside it, and a bare ENOENT tells them nothing; this says which files the source
 * needs, where they were looked for, where the data sets come from, and what to do instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportSource } from './build-trace.js';

/** Files each source reads, relative to the data folder (arrivals: every source but agentcgroup's own). */
const ARRIVALS = join('arrivals', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv');
export const SOURCE_FILES: Readonly<Record<ImportSource, readonly string[]>> = {
  'mini-swe-agent': [join('mini-swe-agent-gemini3pro', 'steps.csv.gz'), ARRIVALS],
  'swe-agent': [join('swe-agent-trajs', 'steps.csv.gz'), ARRIVALS],
  'claude-code': [join('claude-code-sessions', 'api_calls.csv'), join('claude-code-sessions', 'tool_calls.csv'), ARRIVALS],
  tau2: [join('tau2-bench', 'messages.csv.gz'), ARRIVALS],
  agentcgroup: [join('agentcgroup', 'samples.csv.gz'), join('agentcgroup', 'tasks.csv'), ARRIVALS],
};

/** undefined when every file is there; else the message (origins come from SOURCE_INFO). */
export function missingDataMessage(source: ImportSource, dataDir: string, origin: string): string | undefined {
  const missing = SOURCE_FILES[source].filter((f) => !existsSync(join(dataDir, f)));
  if (missing.length === 0) return undefined;
  return [
    `trace import ${source} needs the public data set under ${dataDir}, and ${missing.map((f) => join(dataDir, f)).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing.`,
    `  The data set: ${origin}.`,
    '  The session arrivals: Azure LLM inference trace 2023 (github.com/Azure/AzurePublicDataset, CC-BY-4.0), AzureLLMInferenceTrace_code.csv.',
    '  These folders come with the burstguard source checkout (`../shared/data` beside the repository, one README per folder with origin and licence);',
    '  point --data DIR at a copy. The bench needs none of this: its traces are bundled (bench/traces/).',
    '  For your own agents: `burstguard trace import claude-code --logs DIR` (Claude Code session .jsonl), `burstguard trace import otel --logs FILE`',
    '  (OTLP JSON spans), or `burstguard trace record --prometheus URL --namespace NS --since 24h --out FILE.jsonl.gz`.',
  ].join('\n');
}
