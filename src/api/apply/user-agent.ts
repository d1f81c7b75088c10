/**
 * The manager name of a write that names none: the program part of its User-Agent
 * (`kubectl/v1.32.0 (linux/amd64) kubernetes/abc` is `kubectl`), printable characters only,
 * at most 128 bytes, as the API server derives it. Empty input gives '' (recorded as
 * `unknown`).
 *
 * Pure.
 */
const MAX_BYTES = 128;

export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const c of prefix) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c)) continue;
    const cp = c.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > MAX_BYTES) break;
    out += c;
    bytes += n;
  }
  return out;
}
