/**
 * Regenerates the generated parts of docs/configuration.md from the schema and the default PromQL:
 * `node --import tsx src/config/write-docs.ts`. A unit test fails when the file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderConfigDoc } from './docs.js';

const path = new URL('../../docs/configuration.md', import.meta.url);
const before = await readFile(path, 'utf8');
const after = renderConfigDoc(before);
if (after !== before) await writeFile(path, after);
process.stdout.write(after === before ? 'docs/configuration.md is up to date\n' : 'docs/configuration.md regenerated\n');
