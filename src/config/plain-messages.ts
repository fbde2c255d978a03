import type { z } from 'zod';
import { nearestName } from '../core/nearest-name.js';

/** How a value reads in a message: strings quoted, everything else as JSON. */
function shown(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

const article: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  int: 'a whole number',
};

/**
 * zod's issues in plain words for people editing a ConfigMap ("expected a number, got 'fast'" rather
 * than "Invalid input: expected number, received string"); undefined keeps zod's own message.
 * Passed as the `error` option of `safeParse`.
 */
export function plainMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${article[iss.expected] ?? iss.expected}, got ${shown(iss.input)}`;
    case 'invalid_value': {
      const allowed = iss.values.map((v) => String(v));
      const near = typeof iss.input === 'string' ? nearestName(iss.input, allowed) : undefined;
      return `${shown(iss.input)} is not one of ${allowed.join(', ')}${near !== undefined ? `; did you mean '${near}'?` : ''}`;
    }
    case 'too_small':
      return iss.origin === 'number' || iss.origin === 'int' ? `${shown(iss.input)} is too small: must be ${iss.inclusive === false ? 'more than' : 'at least'} ${String(iss.minimum)}` : undefined;
    case 'too_big':
      return iss.origin === 'number' || iss.origin === 'int' ? `${shown(iss.input)} is too large: must be ${iss.inclusive === false ? 'less than' : 'at most'} ${String(iss.maximum)}` : undefined;
    default:
      return undefined;
  }
}
