/**
 * Trace format v1 (docs/trace-format.md, binding field names from the bench contract): JSON Lines,
 * optionally gzip-compressed; a header line, then one sample per line.
 */
export interface TraceHeader {
  readonly format: 'burstguard-trace';
  readonly version: 1;
  readonly name: string;
  readonly source: string;
  readonly license: string;
  readonly intervalSeconds: number;
  /** Extra fields are allowed and kept (e.g. `generatedBy`, the command that regenerated the trace). */
  readonly [extra: string]: unknown;
}

/** One sample. Optional fields are absent when unknown, never zero. */
export interface TraceSample {
  readonly session: string;
  /** Seconds since trace start. */
  readonly t: number;
  readonly memBytes: number;
  readonly cpuCores: number;
  readonly contextTokens?: number;
  readonly toolCalls?: number;
  readonly toolRetries?: number;
  readonly toolErrors?: number;
  readonly tool?: string;
  readonly agentClass?: string;
}

/** A trace problem, located: `file:line: field: what is wrong`. */
export interface TraceError {
  readonly file: string;
  readonly line: number;
  readonly field?: string;
  readonly message: string;
}

export function formatTraceError(e: TraceError): string {
  return `${e.file}:${e.line}: ${e.field ?? '(line)'}: ${e.message}`;
}
