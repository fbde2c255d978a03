import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/types.js';

/**
 * Field names whose values never reach a log line, at the top level and up to three levels down
 * (pino's redaction needs explicit paths; `*` matches one level). Credentials travel in headers,
 * configs and errors, so the usual suspects are covered wherever they sit.
 */
const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'bearerToken', 'password', 'secret', 'apiKey', 'cookie'];
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go (stdout when absent); tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
  /** Fields on every line, e.g. { replica: podName }. */
  readonly base?: Readonly<Record<string, string>>;
}

/**
 * The controller's JSON logger (pino). Components get a child: `logger.child({ component: 'prometheus' })`.
 * The returned instance satisfies the engine's Logger port.
 */
export function createLogger(o: LoggerOptions): PinoLogger {
  return pino(
    {
      level: o.level,
      base: { name: 'burstguard', ...(o.base ?? {}) },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    o.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** A child logger for one component. */
export function componentLogger(parent: PinoLogger, component: string): PinoLogger {
  return parent.child({ component });
}
