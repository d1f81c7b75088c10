/**
 * The command-line flag parser: a declarative table of flags per subcommand in, typed
 * values out. Accepts `--flag value`, `--flag=value`, `-x value` for flags with a short
 * name, `--` to end the flags, and `-h`/`--help` everywhere. Bad input is a UsageError
 * with a one-line message; this module never prints and never exits.
 *
 * Pure: no `node:` imports, so it is tested alone (flags.test.ts).
 */

interface FlagBase {
  /** One line for the help text. */
  description: string;
  /** A one-letter alias, used as `-x`. */
  short?: string;
  /** The name of the value in the help text, such as DIR or URL. */
  placeholder?: string;
}

/** A text value; the last occurrence wins. */
export interface StringFlag extends FlagBase {
  kind: 'string';
  default?: string;
}

/** A non-negative integer; the last occurrence wins. */
export interface NumberFlag extends FlagBase {
  kind: 'number';
  default?: number;
}

/** A switch: `--flag` or `--flag=true|false`; it never takes the next argument. */
export interface BooleanFlag extends FlagBase {
  kind: 'boolean';
}

/** A repeatable value; each occurrence may also hold several comma-separated items. */
export interface ListFlag extends FlagBase {
  kind: 'list';
}

export type FlagSpec = StringFlag | NumberFlag | BooleanFlag | ListFlag;

/** The flags of one command, keyed by long name (without dashes), in help order. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** The parsed value of one flag: flags with a default (and switches and lists) are always set. */
export type FlagValue<S extends FlagSpec> = S extends BooleanFlag
  ? boolean
  : S extends ListFlag
    ? string[]
    : S extends NumberFlag
      ? S extends { default: number }
        ? number
        : number | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> };

export interface ParsedArgs<T extends FlagTable> {
  flags: FlagValues<T>;
  /** Arguments that are not flags, in order (including everything after `--`). */
  args: string[];
  /** True when `-h` or `--help` was given; the other flags are then not validated. */
  help: boolean;
}

/** Bad command-line input: the message is one line, fit to print after the program name. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const HELP_FLAGS = new Set(['-h', '--help']);

/** Parses `argv` (the arguments after the subcommand) against `table`. Throws UsageError. */
export function parseFlags<T extends FlagTable>(table: T, argv: readonly string[]): ParsedArgs<T> {
  const end = argv.indexOf('--');
  const flagPart = end === -1 ? argv : argv.slice(0, end);
  const values = initialValues(table);
  const args: string[] = [];
  if (flagPart.some((a) => HELP_FLAGS.has(a))) {
    return { flags: values as FlagValues<T>, args, help: true };
  }
  const shorts = shortNames(table);
  for (let i = 0; i < flagPart.length; i++) {
    const arg = flagPart[i]!;
    if (arg === '-' || !arg.startsWith('-')) {
      args.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const name = written.startsWith('--') ? written.slice(2) : shorts.get(written.slice(1));
    const spec = name === undefined ? undefined : table[name];
    if (name === undefined || spec === undefined) throw new UsageError(`unknown flag ${written}`);
    let raw: string | undefined;
    if (eq !== -1) {
      raw = arg.slice(eq + 1);
    } else if (spec.kind !== 'boolean') {
      const next = flagPart[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new UsageError(`flag ${written} needs a value`);
      }
      raw = next;
      i++;
    }
    values[name] = convert(written, spec, raw, values[name]);
  }
  if (end !== -1) args.push(...argv.slice(end + 1));
  return { flags: values as FlagValues<T>, args, help: false };
}

type AnyValue = string | number | boolean | string[] | undefined;

function initialValues(table: FlagTable): Record<string, AnyValue> {
  const values: Record<string, AnyValue> = {};
  for (const [name, spec] of Object.entries(table)) {
    if (spec.kind === 'boolean') values[name] = false;
    else if (spec.kind === 'list') values[name] = [];
    else values[name] = spec.default;
  }
  return values;
}

function shortNames(table: FlagTable): Map<string, string> {
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) if (spec.short) shorts.set(spec.short, name);
  return shorts;
}

function convert(written: string, spec: FlagSpec, raw: string | undefined, previous: AnyValue): AnyValue {
  switch (spec.kind) {
    case 'boolean':
      if (raw === undefined || raw === 'true') return true;
      if (raw === 'false') return false;
      throw new UsageError(`flag ${written} takes true or false, not "${raw}"`);
    case 'number':
      if (!/^\d+$/.test(raw ?? '') || !Number.isSafeInteger(Number(raw))) {
        throw new UsageError(`flag ${written} needs a whole number, not "${raw}"`);
      }
      return Number(raw);
    case 'list': {
      const items = (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new UsageError(`flag ${written} needs a value`);
      return [...(Array.isArray(previous) ? previous : []), ...items];
    }
    case 'string':
      if (raw === undefined || raw === '') throw new UsageError(`flag ${written} needs a value`);
      return raw;
  }
}
