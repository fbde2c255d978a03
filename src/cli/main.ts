#!/usr/bin/env node
import type { CliIo, Command } from './io.js';

const usage = `burstguard: predictive in-place resource autoscaler for AI-agent pods

Usage:
  burstguard bench [--trace PATH ...] [--scenario resize|replicas] [--policies a,b,c] [--config FILE]
                   [--seed N] [--warmup SECONDS] [--json FILE|-] [--report FILE.html]
  burstguard run   [--kubeconfig PATH] [--namespace NS] [--configmap NAME] [--metrics-port N]
  burstguard trace validate FILE...
  burstguard trace synth [options]      seeded resource model: agent steps -> memory and CPU
  burstguard trace import SOURCE [options]
  burstguard trace record --prometheus URL --namespace NS (--since D | --from T --to T) --out FILE
  burstguard tune  --trace FILE --policy NAME [--budget EXPR] [--grid FILE] [--jobs N] --out configmap.yaml
  burstguard tune merge SHARD.json... --trace FILE --out configmap.yaml   (after tune --shard I/N)
  burstguard plan  --trace FILE --scale 1,2,5 --node-shape 8x32Gi,16x64Gi --price PER_NODE_HOUR [--policies a,b] [--json FILE|-]
  burstguard hint  --pod P --container C --tool T [--expected-duration S] [--url URL] [--token-file F]
  burstguard help
`;

/** Subcommands load lazily, so `bench` never pulls in the Kubernetes client and vice versa. */
const commands: Record<string, () => Promise<Command>> = {
  bench: async () => (await import('./bench-cmd.js')).benchCommand,
  plan: async () => (await import('./plan-cmd.js')).planCommand,
  'tune merge': async () => (await import('./tune-cmd.js')).tuneMergeCommand,
  tune: async () => (await import('./tune-cmd.js')).tuneCommand,
  run: async () => (await import('./run-cmd.js')).runCommand,
  hint: async () => (await import('./hint-cmd.js')).hintCommand,
  'trace validate': async () => (await import('./trace-validate-cmd.js')).traceValidateCommand,
  'trace synth': async () => (await import('./trace-synth-cmd.js')).traceSynthCommand,
  'trace import': async () => (await import('./trace-import-cmd.js')).traceImportCommand,
  'trace record': async () => (await import('./trace-record-cmd.js')).traceRecordCommand,
};

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.stdout.write(usage);
    return first === undefined ? 2 : 0;
  }
  const two = second !== undefined ? commands[`${first} ${second}`] : undefined;
  const one = commands[first];
  if (two) return (await two())(rest, io);
  if (one) return (await one())(second === undefined ? rest : [second, ...rest], io);
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
