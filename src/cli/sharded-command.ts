import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Says what is wrong (with the usage when asked) on stderr; returns exit code 2. */
export type Complain = (message: string, usage?: boolean) => number;

/** The flag values `parseArgs` gives for a set of options, with positionals allowed. */
export type FlagValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];

export interface ParsedCommand<O extends ParseArgsOptionsConfig> {
  values: FlagValues<O>;
  positionals: string[];
  complain: Complain;
}

/**
 * The front door that `plan` and `tune` share, both of which run whole or as shards (`--shard I/N`)
 * concluded by `<command> merge SHARD...`: strict flags, `--help`, and positionals only after `merge`
 * (they name the shard files). Returns the exit code when the command is already answered.
 */
export function parseShardedCommand<const O extends ParseArgsOptionsConfig>(
  spec: { command: string; merge: boolean; options: O; help: string },
  argv: readonly string[],
  io: CliIo,
): ParsedCommand<O> | number {
  const { command, merge, options, help } = spec;
  const complain: Complain = (m, usage = false) => {
    io.stderr.write(`burstguard ${command}${merge ? ' merge' : ''}: ${m}\n${usage ? `\n${help}` : ''}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e) {
    return complain(e instanceof Error ? e.message : String(e), true);
  }
  if ((parsed.values as Record<string, unknown>).help === true) {
    io.stdout.write(help);
    return 0;
  }
  if (!merge && parsed.positionals.length > 0) return complain(`unexpected argument '${parsed.positionals[0] ?? ''}'`, true);
  return { values: parsed.values, positionals: parsed.positionals, complain };
}
