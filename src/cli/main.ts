#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import type { CliIo, Command } from './io.js';

const usage = `burstguard: predictive in-place resource autoscaler for AI-agent pods

Usage:
  burstguard bench [--trace PATH ...] [--scenario resize|replicas] [--policies a,b,c] [--config FILE]
                   [--seed N] [--warmup SECONDS] [--node-shape CPUxMEM] [--scale F] [--duration D]
                   [--cv K] [--json FILE|-] [--report FILE.html]
  burstguard run   [--kubeconfig PATH] [--namespace NS] [--configmap NAME] [--metrics-port N] [--listen-address ADDR]
  burstguard config validate FILE...    config.yaml or ConfigMap manifest: errors with the file's lines
  burstguard trace validate FILE...
  burstguard trace synth [options]      seeded resource model: agent steps -> memory and CPU
  burstguard trace import SOURCE [options]
  burstguard trace record --prometheus URL --namespace NS (--since D | --from T --to T) --out FILE
  burstguard tune  --trace FILE --policy NAME [--budget EXPR] [--grid FILE] [--jobs N] --out configmap.yaml
  burstguard tune merge SHARD.json... --trace FILE --out configmap.yaml   (after tune --shard I/N)
  burstguard plan  --trace FILE --scale 1,2,5 --node-shape 8x32Gi,16x64Gi --price PER_NODE_HOUR [--policies a,b] [--json FILE|-]
  burstguard plan merge SHARD.json... --trace FILE (the plan's flags)   (after plan --shard I/N)
  burstguard hint  --pod P --container C --tool T [--expected-duration S] [--url URL] [--token-file F]
  burstguard help | --version

Every command takes --help.
`;

/** Subcommands load lazily, so `bench` never pulls in the Kubernetes client and vice versa. */
const commands: Record<string, () => Promise<Command>> = {
  bench: async () => (await import('./bench-cmd.js')).benchCommand,
  'plan merge': async () => (await import('./plan-cmd.js')).planMergeCommand,
  plan: async () => (await import('./plan-cmd.js')).planCommand,
  'tune merge': async () => (await import('./tune-cmd.js')).tuneMergeCommand,
  tune: async () => (await import('./tune-cmd.js')).tuneCommand,
  run: async () => (await import('./run-cmd.js')).runCommand,
  hint: async () => (await import('./hint-cmd.js')).hintCommand,
  'config validate': async () => (await import('./config-validate-cmd.js')).configValidateCommand,
  'trace validate': async () => (await import('./trace-validate-cmd.js')).traceValidateCommand,
  'trace synth': async () => (await import('./trace-synth-cmd.js')).traceSynthCommand,
  'trace import': async () => (await import('./trace-import-cmd.js')).traceImportCommand,
  'trace record': async () => (await import('./trace-record-cmd.js')).traceRecordCommand,
};

/** Command groups (`trace`, `config`): alone or with --help they list their subcommands. */
function groupUsage(group: string): string | undefined {
  const subs = Object.keys(commands).filter((k) => k.startsWith(`${group} `));
  if (subs.length === 0) return undefined;
  return `Usage:\n${subs.map((s) => `  burstguard ${s} ...`).join('\n')}\n\nEach takes --help.\n`;
}

/** The package version, read from package.json beside src/ or dist/src/. */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'burstguard' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not at this depth: try the next
    }
  }
  return 'unknown';
}

/** `help`, `--version` and the like: the exit code, or undefined when `first` is a command. */
function topLevel(first: string | undefined, io: CliIo): number | undefined {
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.stdout.write(usage);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.stdout.write(`burstguard ${packageVersion()}\n`);
    return 0;
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, second, ...rest] = argv;
  const top = topLevel(first, io);
  if (top !== undefined || first === undefined) return top ?? 2;
  const two = second !== undefined ? commands[`${first} ${second}`] : undefined;
  const one = commands[first];
  if (two) return (await two())(rest, io);
  if (one) return (await one())(second === undefined ? rest : [second, ...rest], io);
  const group = groupUsage(first);
  if (group !== undefined && (second === undefined || second === '--help' || second === '-h')) {
    (second === undefined ? io.stderr : io.stdout).write(group);
    return second === undefined ? 2 : 0;
  }
  io.stderr.write(`burstguard: unknown command '${argv.join(' ')}'\n\n${usage}`);
  return 2;
}

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stderrIsTty: process.stderr.isTTY === true };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`burstguard: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
