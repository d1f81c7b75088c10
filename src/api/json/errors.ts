/**
 * The error raised for a request body that is not valid JSON. Its message follows the
 * wording of Go's encoding/json (`invalid character '}' looking for beginning of value`,
 * `unexpected end of JSON input`), which clients and tests of Kubernetes expect to see
 * inside a 400 Status. Pure.
 */

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  /** Index in the text (UTF-16 code units) at which the error was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Go's quoting of one character in scanner errors: `'x'`, `'\''`, `'\n'`, `'\x01'`. */
export function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const code = c.charCodeAt(0);
  const named: Record<string, string> = {
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '\\': '\\\\',
  };
  const esc = named[c];
  if (esc) return `'${esc}'`;
  if (code === 7) return "'\\a'";
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}
