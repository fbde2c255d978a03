// Temp folders for tests that remove themselves. Each folder is handed to its owner's `after` hook (a
// test's `t.after`, or node:test's file-level `after`), which node:test runs also when the test fails,
// so a day of runs leaves nothing behind in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whatever runs a clean-up when it is done: a TestContext `t`, or `{ after }` from node:test at file level. */
export interface TempOwner {
  after(fn: () => void): unknown;
}

/** A fresh folder under the system temp dir (named `prefix` + random), removed when `owner` is done. */
export function tempDir(owner: TempOwner, prefix = 'bg-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  owner.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `at` as it is when it is a folder already, else a fresh temp folder owned by it. */
export function dirOf(at: string | TempOwner, prefix?: string): string {
  return typeof at === 'string' ? at : tempDir(at, prefix);
}
