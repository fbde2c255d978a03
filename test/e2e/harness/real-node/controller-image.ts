/**
 * The controller's container image on the real node: built with no registry by
 * tools/real-node/build-controller-image.sh (cached by content) and imported into the node's containerd,
 * as the pause and agent images are.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RealNode } from './node.js';

export const CONTROLLER_IMAGE = { repository: 'burstguard.local/burstguard', tag: 'e2e' } as const;
const repoRoot = new URL('../../../../', import.meta.url).pathname;

/** Builds the image when its inputs changed and returns the tarball's path. */
export function buildControllerImage(): string {
  const out = execFileSync('bash', [join(repoRoot, 'tools/real-node/build-controller-image.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return join(out.trim().split('\n').pop() ?? '', 'controller.tar');
}

export function importImage(node: RealNode, tarball: string): void {
  execFileSync('/usr/bin/ctr', ['-a', node.paths.socket, '-n', 'k8s.io', 'images', 'import', tarball], { stdio: 'ignore' });
}
