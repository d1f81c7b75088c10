/**
 * What a subcommand is: a name, help texts, a flag table and a `run` that receives the
 * parsed flags. `defineCommand` ties the parser and the help text to the table, so each
 * subcommand file only declares its flags and says what to do with them.
 *
 * Pure: the process (argv, streams, signals, exit code) is reached only through
 * `CliContext`, which main.ts provides and tests fake.
 */
import { type FlagTable, type FlagValues, parseFlags, UsageError } from './flags.js';
import { type CommandInfo, commandHelp } from './help.js';

/** The process as a command sees it. */
export interface CliContext {
  /** Writes one line (or several, joined by newlines) to standard output. */
  out(text: string): void;
  /** Writes one line (or several) to standard error. */
  err(text: string): void;
  /** Aborted when the process is asked to stop (SIGINT, SIGTERM); the reason names the signal. */
  signal: AbortSignal;
}

export interface CommandSpec<T extends FlagTable> extends CommandInfo {
  flags: T;
  /** Does the work and resolves to the exit code. Throws UsageError for bad input. */
  run(flags: FlagValues<T>, ctx: CliContext): Promise<number>;
}

/** A subcommand, with its flag types erased so that commands of any table fit one list. */
export interface Command extends CommandInfo {
  /** Parses `argv` (the arguments after the subcommand's name) and runs; throws UsageError. */
  main(argv: readonly string[], ctx: CliContext): Promise<number>;
}

export function defineCommand<T extends FlagTable>(spec: CommandSpec<T>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    flags: spec.flags,
    async main(argv, ctx) {
      const parsed = parseFlags(spec.flags, argv);
      if (parsed.help) {
        ctx.out(commandHelp(spec));
        return 0;
      }
      const [extra] = parsed.args;
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      return spec.run(parsed.flags, ctx);
    },
  };
}
