/**
 * Renders values the way the Kubernetes API server prints them inside error messages
 * (Go's `%q` for strings, `%v` for numbers and booleans, `%#v` for string slices), so the
 * texts clients see match the upstream wire contract byte for byte.
 * Pure: no I/O, no state. It must not decide what an error means, only how a value reads.
 */

/** A value printed as-is, without quotes (what upstream prints for `fmt.Stringer` values such as times). */
export class UnquotedValue {
  constructor(readonly text: string) {}
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Quotes a string as Go's `strconv.Quote` does: printable runes kept, others escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

/** Formats a Go-style `%v` number: integers plainly, others in JavaScript's shortest form. */
function goNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
}

/**
 * Formats a bad value as upstream's field errors do: strings quoted, numbers and booleans
 * bare, `null` as the quoted string "null", string arrays as `[]string{"a", "b"}`, and any
 * other structure as JSON (upstream prints Go struct syntax there, which no client parses).
 */
export function formatGoValue(value: unknown): string {
  if (value instanceof UnquotedValue) return value.text;
  if (value === null || value === undefined) return goQuote('null');
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
      return goNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => goQuote(v)).join(', ')}}`;
  }
  try {
    return JSON.stringify(value) ?? goQuote('null');
  } catch {
    return String(value);
  }
}

/** Renders an RFC 3339 timestamp as Go's `time.Time.String()` does for UTC times. */
export function goTimeString(rfc3339: string | undefined | null): UnquotedValue {
  if (!rfc3339) return new UnquotedValue('0001-01-01 00:00:00 +0000 UTC');
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return new UnquotedValue(rfc3339);
  const iso = new Date(ms).toISOString();
  return new UnquotedValue(`${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`);
}

/** Length in bytes of a string encoded as UTF-8 (upstream limits count bytes, not characters). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
