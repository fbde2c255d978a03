import { CONFIG_KEY, loadConfigFileDetailed } from '../config/index.js';
import type { ConfigIssue } from '../config/index.js';
import type { CliIo } from './io.js';

const usage = `usage: burstguard config validate FILE...

Checks burstguard configuration files: a bare config.yaml, a ConfigMap manifest holding data."${CONFIG_KEY}",
or rendered Helm output. Prints one line per file when valid, else one line per problem:
  FILE:LINE: FIELD: what is wrong
with LINE the file's own line. Exit 0 when all are valid, 2 otherwise.
`;

/** `FILE:LINE: field: message`, the shape editors and CI annotators jump to. */
export function formatIssueLine(file: string, i: ConfigIssue): string {
  const where = i.line !== undefined ? `${file}:${i.line}` : file;
  return `${where}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`;
}

/** `burstguard config validate FILE...`. */
export async function configValidateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(usage);
    return 0;
  }
  const unknownFlag = argv.find((a) => a.startsWith('-'));
  if (unknownFlag !== undefined || argv.length === 0) {
    io.stderr.write(`burstguard config validate: ${unknownFlag !== undefined ? `unknown option '${unknownFlag}'` : 'no file named'}\n${usage}`);
    return 2;
  }
  let bad = 0;
  for (const file of argv) {
    const r = await loadConfigFileDetailed(file);
    if (r.ok) {
      const c = r.value;
      io.stdout.write(`${file}: ok: policy ${c.policy}, ${c.engine.dryRun ? 'dryRun (recommends only)' : 'acting'}, tick every ${c.engine.tickIntervalS} s\n`);
      continue;
    }
    bad += 1;
    const sorted = [...r.error].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    for (const i of sorted) io.stderr.write(`${formatIssueLine(file, i)}\n`);
  }
  return bad > 0 ? 2 : 0;
}
