/** The helm binary of the e2e tier (built from its Go module by tools/build-control-plane.sh). */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $HELM, else the one the build script caches, else helm on PATH; undefined when there is none. */
export function helmBin(): string | undefined {
  if (process.env.HELM !== undefined && process.env.HELM !== '') return process.env.HELM;
  const cache = process.env.BURSTGUARD_CACHE ?? join(homedir(), '.cache/burstguard');
  const bin = join(cache, 'bin');
  const dir = existsSync(bin) ? readdirSync(bin).filter((d) => d.startsWith('helm-')).sort().pop() : undefined;
  if (dir !== undefined && existsSync(join(bin, dir, 'helm'))) return join(bin, dir, 'helm');
  return spawnSync('helm', ['version'], { stdio: 'ignore' }).status === 0 ? 'helm' : undefined;
}
