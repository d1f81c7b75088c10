/**
 * HPACK's Huffman code (RFC 7541, Appendix B) for decoding header strings. The code is
 * canonical: the lengths of its 257 codes (256 octets and EOS) define it entirely, codes of
 * one length being consecutive in symbol order. Pure: no I/O.
 */

/** Code length in bits of each symbol, octets 0-255 then EOS (256). */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7,
  8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19,
  13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13,
  28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21,
  22, 23, 22, 23, 23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23,
  22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25,
  25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
];

const EOS = 256;
const MAX_BITS = 30;

/** Per code length: the first code of that length, how many there are, and where their symbols start. */
const first = new Array<number>(MAX_BITS + 1).fill(0);
const count = new Array<number>(MAX_BITS + 1).fill(0);
const offset = new Array<number>(MAX_BITS + 1).fill(0);
/** Symbols in code order (by length, then symbol). */
const symbols: number[] = [];

for (let len = 1, code = 0; len <= MAX_BITS; len++) {
  first[len] = code;
  offset[len] = symbols.length;
  for (let s = 0; s < LENGTHS.length; s++) {
    if (LENGTHS[s] !== len) continue;
    symbols.push(s);
    count[len] = (count[len] as number) + 1;
  }
  code = (code + (count[len] as number)) * 2;
}

export class HuffmanError extends Error {
  override readonly name = 'HuffmanError';
}

/**
 * Decodes `src[start, end)` to a latin1 string. Throws HuffmanError on an EOS symbol, or
 * padding longer than 7 bits or not made of ones (RFC 7541 section 5.2).
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number): string {
  let out = '';
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i] as number;
    for (let b = 7; b >= 0; b--) {
      code = (code << 1) | ((byte >> b) & 1);
      len++;
      const n = code - (first[len] as number);
      if (n >= 0 && n < (count[len] as number)) {
        const sym = symbols[(offset[len] as number) + n] as number;
        if (sym === EOS) throw new HuffmanError('EOS in a Huffman-coded string');
        out += String.fromCharCode(sym);
        code = 0;
        len = 0;
      } else if (len >= MAX_BITS) {
        throw new HuffmanError('invalid Huffman code');
      }
    }
  }
  if (len > 7 || code !== (1 << len) - 1) throw new HuffmanError('invalid Huffman padding');
  return out;
}

/** The code of `sym` and its length (for tests and encoders). */
export function huffmanCode(sym: number): { code: number; bits: number } {
  const bits = LENGTHS[sym] as number;
  const idx = symbols.indexOf(sym) - (offset[bits] as number);
  return { code: (first[bits] as number) + idx, bits };
}
