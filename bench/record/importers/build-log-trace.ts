/**
 * From a user's own agent logs to a trace v1: Claude Code session files or OTLP JSON GenAI spans give
 * what the agent did and when (tool calls, errors, retries, context size); the synthetic resource model
 * fills in memory and CPU, which such logs do not carry (the header says so). Sessions keep their real
 * start times, relative to the earliest.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createRng } from '../../../src/core/rng.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import { synthesizeSession, type ResourceModelParams } from '../synth/resource-model.js';
import { mergeSessions } from './arrivals.js';
import type { BuiltTrace } from './build-trace.js';
import type { TimedActivity } from './claude-code.js';
import { claudeLogActivities, parseClaudeLog } from './claude-code-jsonl.js';
import { pickSeeded } from './common.js';
import { otelActivities, otelSessions, parseOtlpText } from './otel-spans.js';

export type LogSource = 'claude-code' | 'otel';

export interface LogBuildOptions {
  readonly paths: readonly string[];
  readonly seed: number;
  /** At most this many sessions (a seeded choice); undefined keeps all. */
  readonly sessions?: number;
  readonly params: ResourceModelParams;
  readonly name: string;
  readonly generatedBy: string;
  readonly agentClass?: string;
}

/** Files under the paths (folders searched recursively) whose names end in one of `exts`, sorted. */
async function files(paths: readonly string[], exts: readonly string[]): Promise<Result<string[]>> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p);
    if (!s.isDirectory()) {
      out.push(p);
      return;
    }
    for (const e of (await readdir(p)).sort()) {
      const q = join(p, e);
      if ((await stat(q)).isDirectory() || exts.some((x) => e.endsWith(x))) await walk(q);
    }
  };
  try {
    for (const p of paths) await walk(p);
  } catch (e) {
    return err(new Error(`--logs: ${(e as Error).message}`));
  }
  return out.length > 0 ? ok(out) : err(new Error(`--logs: no ${exts.join(' or ')} file under ${paths.join(', ')}`));
}

const SOURCE_TEXT: Readonly<Record<LogSource, string>> = {
  'claude-code': 'Claude Code session logs (tool calls and their times, Bash commands, context size per model call incl. compaction)',
  otel: 'OpenTelemetry GenAI spans, OTLP JSON (execute_tool spans, model-call input tokens)',
};

async function activities(source: LogSource, o: LogBuildOptions): Promise<Result<{ acts: TimedActivity[]; files: number; notes: string }>> {
  const found = await files(o.paths, source === 'claude-code' ? ['.jsonl'] : ['.json', '.jsonl']);
  if (!found.ok) return found;
  const cls = o.agentClass !== undefined ? { agentClass: o.agentClass } : {};
  const acts: TimedActivity[] = [];
  let bad = 0;
  let compactions = 0;
  const otelDocs: unknown[] = [];
  for (const f of found.value) {
    const text = await readFile(f, 'utf8');
    if (source === 'claude-code') {
      const log = parseClaudeLog(text);
      bad += log.badLines;
      compactions += log.compactions;
      acts.push(...claudeLogActivities(log, basename(f, '.jsonl'), cls));
    } else {
      const parsed = parseOtlpText(text);
      bad += parsed.badLines;
      otelDocs.push(...parsed.docs);
    }
  }
  if (source === 'otel') acts.push(...otelActivities(otelSessions(otelDocs), cls));
  const notes = `${found.value.length} files${compactions > 0 ? `, ${compactions} compactions` : ''}${bad > 0 ? `, ${bad} unreadable lines skipped` : ''}`;
  return ok({ acts, files: found.value.length, notes });
}

/** Builds the trace (see the module comment). */
export async function buildLogTrace(source: LogSource, o: LogBuildOptions): Promise<Result<BuiltTrace>> {
  const got = await activities(source, o);
  if (!got.ok) return got;
  if (got.value.acts.length === 0) {
    return err(new Error(`${source}: no session with tool calls or model calls found in ${got.value.notes} (sessions shorter than a minute are dropped)`));
  }
  const chosen = o.sessions !== undefined ? pickSeeded(got.value.acts, o.sessions, createRng(o.seed).fork('pick')) : got.value.acts;
  const t0 = Math.min(...chosen.map((a) => a.startS));
  const sessions = chosen.map((a) => ({ id: `${source}/${a.id}`, samples: synthesizeSession(a, o.params, o.seed).map((s) => ({ ...s, session: `${source}/${a.id}` })) }));
  const samples = mergeSessions(sessions, chosen.map((a) => a.startS - t0));
  return ok({
    header: {
      format: 'burstguard-trace',
      version: 1,
      name: o.name,
      source: `${SOURCE_TEXT[source]}: ${got.value.notes}; sessions at their real start times; memory/CPU: burstguard synthetic resource model (bench/record/synth/resource-model.ts, calibrated on AgentCgroup), because the logs carry none`,
      license: 'own data',
      intervalSeconds: 1,
      generatedBy: o.generatedBy,
      resourceModel: 'memory and CPU are modelled from the logged activity, not measured',
      seed: o.seed,
      sessions: sessions.length,
    },
    samples,
    sessions: sessions.length,
  });
}
