/**
 * The top level of the CLI: picks the subcommand, handles `--help` and `--version`, and
 * turns errors into messages and exit codes: 2 for bad usage (one line plus a hint), 1 for
 * a failure (one line; a stack trace only for errors that are neither storage errors nor
 * errors from the operating system, as those mean a bug).
 *
 * It never touches the process itself: main.ts passes argv and a CliContext in and sets
 * the exit code from the result, and tests call `runCli` directly.
 */
import { isStorageError } from '../storage/errors.js';
import { agentCommand } from './agent.js';
import type { CliContext, Command } from './command.js';
import { UsageError } from './flags.js';
import { PROGRAM, topLevelHelp, usageHint } from './help.js';
import { imagesCommand } from './images.js';
import { killallCommand } from './killall.js';
import { serverCommand } from './server.js';

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [serverCommand, agentCommand, killallCommand, imagesCommand];

export interface RunOptions {
  /** The version `--version` prints, such as "0.1.0". */
  version: string;
  commands?: readonly Command[];
}

/** Runs the CLI with `argv` (the arguments after the program name); resolves to the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext, opts: RunOptions): Promise<number> {
  const commands = opts.commands ?? COMMANDS;
  const [first, ...rest] = argv;
  if (first === undefined) {
    ctx.err(topLevelHelp(commands));
    return 2;
  }
  if (first === '-h' || first === '--help') {
    ctx.out(topLevelHelp(commands));
    return 0;
  }
  if (first === '--version') {
    ctx.out(`${PROGRAM} version v${opts.version}`);
    return 0;
  }
  if (first.startsWith('-')) return usageFailure(ctx, undefined, `unknown flag ${first.split('=')[0]}`);
  const command = commands.find((c) => c.name === first);
  if (!command) return usageFailure(ctx, undefined, `unknown command "${first}"`);
  try {
    return await command.main(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(ctx, command.name, err.message);
    const prefix = `${PROGRAM} ${command.name}`;
    if (isStorageError(err) || isSystemError(err)) ctx.err(`${prefix}: ${err.message}`);
    else
      ctx.err(
        `${prefix}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    return 1;
  }
}

/** An error from the operating system (a missing file, a refused permission): no bug, so no stack. */
function isSystemError(err: unknown): err is Error {
  return err instanceof Error && typeof (err as { syscall?: unknown }).syscall === 'string';
}

function usageFailure(ctx: CliContext, command: string | undefined, message: string): number {
  ctx.err(`${command ? `${PROGRAM} ${command}` : PROGRAM}: ${message}`);
  ctx.err(usageHint(command));
  return 2;
}
