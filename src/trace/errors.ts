import { formatTraceError, type TraceError } from './types.js';

/**
 * The one error type trace reading and writing throws: it carries the located problem, and its
 * message is already the `file:line: field: what is wrong` line a user should see.
 */
export class TraceFormatError extends Error {
  readonly traceError: TraceError;

  constructor(traceError: TraceError) {
    super(formatTraceError(traceError));
    this.name = 'TraceFormatError';
    this.traceError = traceError;
  }
}

/** Shorthand for throwing a located trace error. */
export function traceFail(file: string, line: number, field: string | undefined, message: string): never {
  throw new TraceFormatError(field === undefined ? { file, line, message } : { file, line, field, message });
}
