/**
 * The text of the API server's strict decoding error, as it appears in the message of a
 * 400 BadRequest Status when `fieldValidation=Strict` finds problems:
 * `strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"`.
 * Paths are quoted the way Go's strconv.Quote quotes them. Pure.
 */

/** Go's strconv.Quote for the characters that occur in field paths. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** One error per path: unknown fields first, then duplicate fields. */
export function strictDecodingErrors(unknown: string[], duplicates: string[]): string[] {
  return [
    ...unknown.map((p) => `unknown field ${goQuote(p)}`),
    ...duplicates.map((p) => `duplicate field ${goQuote(p)}`),
  ];
}

export function strictDecodingMessage(unknown: string[], duplicates: string[]): string {
  return `strict decoding error: ${strictDecodingErrors(unknown, duplicates).join(', ')}`;
}
