/**
 * Resource quantities as the scheduler counts them: `100m`, `1.5`, `2Gi`, `1e3`, `500M`...
 * read exactly (decimal arithmetic, no float rounding) and rounded up, as upstream's
 * MilliValue and Value do: CPU in millicores, everything else in whole units (bytes, pods).
 * Parsed strings are memoized, since every pod repeats the same few. Malformed input counts
 * as 0 rather than throwing: validation is the API server's job, not the scheduler's.
 * Pure.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const FORM = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** An exact rational value: numerator / denominator, both non-negative except the sign on `num`. */
interface Exact {
  num: bigint;
  den: bigint;
}

function parseExact(text: string): Exact | undefined {
  const m = FORM.exec(text.trim());
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', exp, suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  let num = BigInt(`${whole || '0'}${frac}`);
  let den = 10n ** BigInt(frac.length);
  if (sign === '-') num = -num;
  if (suffix in BINARY) return { num: num * BINARY[suffix]!, den };
  const power = exp ? Number(exp.slice(1)) : (DECIMAL[suffix] ?? 0);
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  return { num, den };
}

function ceilDiv(num: bigint, den: bigint): number {
  const q = num / den;
  const exact = q * den === num;
  return Number(exact || num < 0n ? q : q + 1n);
}

const milliMemo = new Map<string, number>();
const unitMemo = new Map<string, number>();

function memoized(memo: Map<string, number>, text: string, scale: bigint): number {
  let v = memo.get(text);
  if (v === undefined) {
    const e = parseExact(text);
    v = e ? ceilDiv(e.num * scale, e.den) : 0;
    if (memo.size > 10_000) memo.clear();
    memo.set(text, v);
  }
  return v;
}

/** A quantity in thousandths, rounded up (CPU: millicores). */
export function milliValue(q: unknown): number {
  if (typeof q === 'number') return Math.ceil(q * 1000);
  return typeof q === 'string' ? memoized(milliMemo, q, 1000n) : 0;
}

/** A quantity in whole units, rounded up (memory and storage: bytes; pods: count). */
export function value(q: unknown): number {
  if (typeof q === 'number') return Math.ceil(q);
  return typeof q === 'string' ? memoized(unitMemo, q, 1n) : 0;
}
