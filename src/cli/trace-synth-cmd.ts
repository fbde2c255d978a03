import type { CliIo } from './io.js';

// Placeholder until the subcommand lands; replaced by its owner.
export async function traceSynthCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('burstguard: trace-synth is not implemented yet\n');
  return Promise.resolve(1);
}
