#!/usr/bin/env node
// The `burstguard` command. In a clone (src/ present and tsx installed by `npm ci`) it runs the
// TypeScript sources, so `npx burstguard` works straight after `npm ci` and never runs a stale build;
// in an installed package (no src/) or the image it runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/src/cli/main.js', import.meta.url);

let register;
if (existsSync(fileURLToPath(source))) {
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    // tsx is a dev dependency: absent in a production install, which runs dist/
  }
}
if (register !== undefined) {
  register();
  await import(source.href);
} else if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  process.stderr.write('burstguard: neither the sources with tsx (npm ci) nor a build (npm run build) found\n');
  process.exitCode = 1;
}
