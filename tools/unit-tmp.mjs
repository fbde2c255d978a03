// A temp folder of the unit phase's own (its TMPDIR), so that what the unit tests leave behind can be
// told apart from what other runs sharing /tmp create meanwhile: every name left in it at the end is
// this run's. Only the unit phase gets one: the e2e tier keeps a lock in the shared temp dir
// (test/e2e/harness/real-node/node.ts) that must be the same for every run on the machine.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// tsx keeps its transform cache in $TMPDIR/tsx-UID; the shared one is linked in, so a fresh folder
// does not cost a cold cache on every run.
const tsxCache = `tsx-${userInfo().uid}`;

/** Makes the folder (under the shared temp dir) with tsx's cache linked in; returns its path. */
export function makeUnitTmp() {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-unit-tmp-'));
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  symlinkSync(join(tmpdir(), tsxCache), join(dir, tsxCache));
  return dir;
}

/**
 * Removes the folder and says what the tests left in it: `ours`, names a test of this repository
 * makes (bg-*, burstguard-*), each prefix with its count, which is a defect; `others`, what a tool a
 * test runs left (a browser's profile, say), reported only.
 */
export function collectUnitTmp(dir) {
  const left = readdirSync(dir).filter((n) => n !== tsxCache);
  rmSync(dir, { recursive: true, force: true });
  const ours = new Map();
  const others = [];
  for (const name of left) {
    if (!/^(bg|burstguard)-/.test(name)) {
      others.push(name);
      continue;
    }
    // mkdtemp's six random characters make each name unique; the prefix names the test that made it.
    const prefix = name.replace(/[A-Za-z0-9]{6}$/, '*');
    ours.set(prefix, (ours.get(prefix) ?? 0) + 1);
  }
  return { ours: [...ours].map(([prefix, n]) => `${prefix} (${n})`), others };
}
