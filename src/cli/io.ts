/** What a CLI command writes to; passed in so tests can capture it. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly stderrIsTty: boolean;
}

/** A subcommand: parses its own argv, returns the process exit code (0 ok, 2 bad input, 1 failure). */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
