import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why `path` cannot be written as an output file, or undefined when it can: checked before a long
 * run, so a typo in the folder does not cost the run. The file itself is not created here.
 */
export function unwritableOutput(path: string): string | undefined {
  const full = resolve(path);
  let st;
  try {
    st = statSync(full);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory() === true) return 'is a directory; name a file';
  try {
    if (st !== undefined) accessSync(full, constants.W_OK);
    else accessSync(dirname(full), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `cannot be written: the folder ${dirname(full)} does not exist`;
    return `cannot be written (${code ?? String(e)})`;
  }
  return undefined;
}
