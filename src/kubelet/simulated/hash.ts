/**
 * Stable pseudo-random hex strings (machine ids, container ids, image digests) derived
 * from a seed, so that the same pod or node gets the same ids after a restart. Not
 * cryptographic: FNV-1a over the seed and a block counter. Pure.
 */

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function stableHex(seed: string, length = 32): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    out += fnv1a(`${block}:${seed}:${block}`).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

export function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
