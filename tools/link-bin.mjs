#!/usr/bin/env node
// `npm ci` links the bins of dependencies into node_modules/.bin, but not this package's own, so in a
// clone `npx burstguard` would answer "not found". Run as the `prepare` script (npm ci and npm install
// run it), this links node_modules/.bin/burstguard to bin/burstguard.js, as installing the package
// would. Idempotent; does nothing where there is no node_modules (npm pack, an image's copy of dist).
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (!existsSync(join(root, 'node_modules'))) process.exit(0);
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
for (const [name, target] of Object.entries(pkg.bin ?? {})) {
  const link = join(binDir, name);
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(relative(dirname(link), join(root, target)), link);
}
