/**
 * Stable short hashes of JSON values, for names and labels that must not change across
 * restarts or processes: a Deployment's `pod-template-hash`, a ControllerRevision's hash.
 * The value is serialized canonically (object keys sorted, undefined dropped), hashed with
 * 32-bit FNV-1a (with an optional collision count folded in, as upstream does to get a
 * new name after a collision), and the decimal digits are spelled with upstream's "safe"
 * alphabet, which has no vowels and so never spells words. Pure.
 */

/** JSON with object keys sorted at every level. */
export function canonicalJSON(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJSON(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`).join(',')}}`;
}

/** 32-bit FNV-1a of the UTF-8 bytes of `s`, continuing from `seed`. */
export function fnv32a(s: string | Uint8Array, seed = 0x811c9dc5): number {
  const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Each character mapped into the safe alphabet by its code (upstream's SafeEncodeString). */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The short, label-safe hash of `value` (and `collisionCount`, when given). */
export function hashOf(value: unknown, collisionCount?: number): string {
  let h = fnv32a(canonicalJSON(value));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncode(String(h));
}
