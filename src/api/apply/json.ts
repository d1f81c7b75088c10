/**
 * JSON values as server-side apply sees them, and the few renderings it needs to match the
 * Kubernetes API server byte for byte: canonical JSON (sorted object keys, `<`, `>` and `&`
 * escaped, as Go's encoder writes them), Go's `%q`-style quoting, and the total order on
 * values used to sort set members.
 *
 * Pure: no I/O. Nothing here mutates its inputs except `setKey`, which writes only to the
 * object it is given and stores a key named "__proto__" as ordinary data.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasKey(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** A plain JSON copy: drops undefined members, as serialization would. */
export function normalized<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Sets `obj[key]` as an own data property, even for "__proto__". */
export function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Structural equality; object key order does not matter, list order does. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  // Keys holding undefined (possible in objects built in code) count as absent.
  const ak = Object.keys(a).filter((k) => a[k] !== undefined);
  if (ak.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return ak.every((k) => hasKey(b, k) && jsonEqual(a[k], b[k]));
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A string as Go's JSON encoder writes it (HTML-safe escapes). */
function goJsonString(s: string): string {
  const json = JSON.stringify(s);
  return /[<>&\u2028\u2029]/.test(s) ? json.replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c]!) : json;
}

/** Canonical JSON: object keys sorted, Go's escaping. */
export function goJson(v: Json): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(v[k]!)}`).join(',')}}`;
}

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** A string quoted as Go's `%q` does (control characters as \x.. escapes). */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    const esc = GO_ESCAPES[c];
    if (esc) out += esc;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** A value as the API server prints it inside a field path (`[name="web"]`, `[port=80]`). */
export function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.keys(v)
    .map((k) => `${k}=${valueString(v[k]!)}`)
    .join('');
}

/** Rank of a value's type in the total order: numbers, strings, booleans, lists, maps, null. */
function rank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

function cmp<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The total order on values that sorts set members and key fields. */
export function compareValues(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') {
    return cmp(a, b as typeof a);
  }
  if (Array.isArray(a)) {
    const bl = b as Json[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i]!, bl[i]!);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (a === null) return 0;
  const bo = b as JsonObject;
  const ak = Object.keys(a).sort();
  const bk = Object.keys(bo).sort();
  for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
    const c = cmp(ak[i]!, bk[i]!) || compareValues(a[ak[i]!]!, bo[bk[i]!]!);
    if (c !== 0) return c;
  }
  return ak.length - bk.length;
}
