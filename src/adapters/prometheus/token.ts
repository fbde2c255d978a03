import { stat, readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../../core/result.js';

/**
 * Reads a bearer token from a file and re-reads it when the file changes (projected ServiceAccount
 * tokens are rotated in place). The token is only ever returned to the caller that builds the
 * Authorization header: never logged, never put in an error message.
 */
export interface TokenSource {
  /** The current token, '' when no token file is configured. */
  current(): Promise<Result<string, string>>;
}

/** A token source for `path`; '' means no token. */
export function fileTokenSource(path: string): TokenSource {
  let cached: { token: string; mtimeMs: number; size: number } | undefined;
  return {
    async current(): Promise<Result<string, string>> {
      if (path === '') return ok('');
      try {
        const st = await stat(path);
        if (cached !== undefined && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return ok(cached.token);
        const token = (await readFile(path, 'utf8')).trim();
        cached = { token, mtimeMs: st.mtimeMs, size: st.size };
        return ok(token);
      } catch (e) {
        // The error code only: fs messages carry the path, which is fine, but never the content.
        return err(`cannot read bearer token file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    },
  };
}
