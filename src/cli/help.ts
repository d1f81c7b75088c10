/**
 * Help text, generated from the command table and each command's flag table, so a new
 * flag appears in `--help` by being declared. Pure: it returns strings and never prints.
 */
import type { FlagSpec, FlagTable } from './flags.js';

/** What help needs to know about a command. */
export interface CommandInfo {
  name: string;
  /** One line, shown in the top-level command list. */
  summary: string;
  /** A paragraph (lines) for the command's own help. */
  description: readonly string[];
  flags: FlagTable;
}

export const PROGRAM = 'k8ts';

const HELP_ROW: [string, string] = ['-h, --help', 'Show this help'];

/** The help of `k8ts <command>`. */
export function commandHelp(cmd: CommandInfo): string {
  const rows = Object.entries(cmd.flags).map(([name, spec]) => flagRow(name, spec));
  return [
    `${PROGRAM} ${cmd.name} - ${cmd.summary}`,
    '',
    ...cmd.description,
    '',
    'Usage:',
    `  ${PROGRAM} ${cmd.name} [flags]`,
    '',
    'Flags:',
    ...table([...rows, HELP_ROW]),
  ].join('\n');
}

/** The help of `k8ts` itself: the commands and the global flags. */
export function topLevelHelp(commands: readonly CommandInfo[]): string {
  return [
    `${PROGRAM} - a lightweight Kubernetes-compatible container orchestrator`,
    '',
    'Usage:',
    `  ${PROGRAM} <command> [flags]`,
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Flags:',
    ...table([HELP_ROW, ['    --version', 'Print the version and exit']]),
    '',
    `Run '${PROGRAM} <command> --help' for the flags of a command.`,
  ].join('\n');
}

/** The hint printed after a usage error. */
export function usageHint(command?: string): string {
  return `Run '${command ? `${PROGRAM} ${command}` : PROGRAM} --help' for usage.`;
}

function flagRow(name: string, spec: FlagSpec): [string, string] {
  const alias = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.kind === 'boolean' ? '' : ` ${spec.placeholder ?? valueName(spec)}`;
  let text = spec.description;
  if ((spec.kind === 'string' || spec.kind === 'number') && spec.default !== undefined) {
    text += ` (default ${JSON.stringify(spec.default)})`;
  }
  if (spec.kind === 'list') text += ' (repeatable, or comma-separated)';
  return [`${alias}--${name}${value}`, text];
}

function valueName(spec: FlagSpec): string {
  return spec.kind === 'number' ? 'N' : 'VALUE';
}

/** Two aligned columns, indented by two spaces. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`.trimEnd());
}
