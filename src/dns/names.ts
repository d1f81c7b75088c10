/**
 * Domain names in presentation form: labels joined by dots, without the final dot, `''`
 * for the root. A dot or backslash inside a label is escaped as `\.` / `\\`, and bytes
 * outside printable ASCII as `\DDD` (RFC 1035 section 5.1), so any wire name survives a
 * round trip. Comparison is ASCII case-insensitive (RFC 4343). Pure.
 */

import { compressIPv6, expandIPv6 } from './ip.js';

export class NameError extends Error {
  override readonly name = 'NameError';
}

/** Wire limits (RFC 1035 section 2.3.4). */
export const MAX_LABEL = 63;
export const MAX_NAME = 255;

/** The label bytes of a presentation-form name. Throws NameError for a malformed one. */
export function toLabels(name: string): Uint8Array[] {
  const s = withoutFinalDot(name);
  if (s === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (cur.length === 0) throw new NameError(`empty label in "${name}"`);
      labels.push(Uint8Array.from(cur));
      cur = [];
    } else if (c === 0x5c) {
      const digits = /^\d{3}/.exec(s.slice(i + 1, i + 4));
      if (digits) {
        const v = Number(digits[0]);
        if (v > 255) throw new NameError(`bad escape \\${digits[0]} in "${name}"`);
        cur.push(v);
        i += 3;
      } else {
        const next = s.charCodeAt(i + 1);
        if (Number.isNaN(next)) throw new NameError(`trailing backslash in "${name}"`);
        cur.push(next & 0xff);
        i += 1;
      }
    } else {
      if (c > 0x7e) throw new NameError(`non-ASCII character in "${name}"`);
      cur.push(c);
    }
    if (cur.length > MAX_LABEL) throw new NameError(`label longer than ${MAX_LABEL} bytes in "${name}"`);
  }
  if (cur.length === 0) throw new NameError(`empty label in "${name}"`);
  labels.push(Uint8Array.from(cur));
  const wire = labels.reduce((n, l) => n + l.length + 1, 1);
  if (wire > MAX_NAME) throw new NameError(`name longer than ${MAX_NAME} bytes: "${name.slice(0, 40)}..."`);
  return labels;
}

/** `name` without its final (unescaped) dot. */
export function withoutFinalDot(name: string): string {
  if (!name.endsWith('.')) return name;
  let slashes = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0 ? name.slice(0, -1) : name;
}

/** One label's bytes in presentation form. */
export function labelText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x21 || b > 0x7e) out += `\\${String(b).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/** The lower-cased name, without a final dot: the form names are compared and looked up in. */
export function canonical(name: string): string {
  return withoutFinalDot(name).replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The labels of a name in presentation form (escapes kept), first label first. */
export function splitName(name: string): string[] {
  const s = canonical(name);
  if (s === '') return [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      cur += s.slice(i, i + 2);
      i += 1;
    } else if (c === '.') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Whether `name` is `zone` or below it (both in any case). */
export function isSubdomain(name: string, zone: string): boolean {
  const n = canonical(name);
  const z = canonical(zone);
  return z === '' || n === z || n.endsWith(`.${z}`);
}

/** The labels of `name` above `zone` (which it must be within), first label first. */
export function relativeLabels(name: string, zone: string): string[] {
  const n = splitName(name);
  return n.slice(0, n.length - splitName(zone).length);
}

/** `1.2.3.4` -> `4.3.2.1.in-addr.arpa`; IPv6 -> the nibble form under ip6.arpa. */
export function reverseName(ip: string): string {
  if (ip.includes(':')) {
    const nibbles = expandIPv6(ip).replace(/:/g, '').split('').reverse();
    return `${nibbles.join('.')}.ip6.arpa`;
  }
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** The address a full reverse name stands for, or undefined (partial or not a reverse name). */
export function addressOfReverse(name: string): string | undefined {
  const labels = splitName(name);
  const tail = labels.slice(-2).join('.');
  if (tail === 'in-addr.arpa' && labels.length === 6) {
    const octets = labels.slice(0, 4).reverse();
    if (!octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)) return undefined;
    return octets.join('.');
  }
  if (tail === 'ip6.arpa' && labels.length === 34) {
    const nibbles = labels.slice(0, 32).reverse();
    if (!nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(''));
    return compressIPv6(groups.join(':'));
  }
  return undefined;
}
