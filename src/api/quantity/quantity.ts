/**
 * Resource quantities ("100m", "1.5Gi", "2e3", "129e6", "500Ki"): the one parser, comparison,
 * arithmetic and canonical printer every component uses, with the semantics of upstream's
 * resource.Quantity. A quantity is held exactly as an integer count of nano-units, the finest
 * precision upstream keeps (finer amounts round away from zero when parsed), plus the format
 * it prints in. Pure: no I/O, no state but a bounded memo of parsed text.
 *
 * Grammar (anything else is rejected):
 *   quantity := sign? number suffix?
 *   number   := digits | digits "." digits? | "." digits
 *   suffix   := binary (Ki Mi Gi Ti Pi Ei) | decimal (n u m k M G T P E) | [eE] sign? digits
 * Leading and trailing white space is dropped first, as upstream's JSON decoding does.
 * Unlike upstream, a quantity of 10^64 or more is rejected rather than kept, so that no
 * input can make the arithmetic unbounded.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact amount: `nano` is the value times 10^9 ("1" is 1_000_000_000n, "1n" is 1n). */
export interface Quantity {
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const MILLI = 1_000_000n;
/** Digits before the decimal point a quantity may have. */
const MAX_INTEGER_DIGITS = 64;
/** Upstream caps binary-suffixed amounts at the largest int64. */
const MAX_BINARY = (2n ** 63n - 1n) * NANO;

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_SUFFIXES: ReadonlyMap<number, string> = new Map([
  ...Object.entries(DECIMAL).map(([s, e]) => [e, s] as const),
  [0, ''],
]);

const GRAMMAR = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** a / b for a >= 0, b > 0, rounded up. */
function divUp(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** a / b for b > 0, rounded away from zero (upstream's rounding of Value and MilliValue). */
function divAway(a: bigint, b: bigint): bigint {
  return a < 0n ? -divUp(-a, b) : divUp(a, b);
}

function parseText(text: string): Quantity | undefined {
  const m = GRAMMAR.exec(text);
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', exponent, suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  let format: QuantityFormat = exponent ? 'DecimalExponent' : suffix in BINARY ? 'BinarySI' : 'DecimalSI';
  const digits = `${whole}${frac}`.replace(/^0+/, '');
  if (digits === '') return { nano: 0n, format };
  let nano: bigint;
  const binary = BINARY[suffix];
  if (binary !== undefined) {
    if (digits.length - frac.length > MAX_INTEGER_DIGITS) return undefined;
    nano = divUp(BigInt(digits) * binary * NANO, 10n ** BigInt(frac.length));
    if (nano > MAX_BINARY) nano = MAX_BINARY;
    if (nano < NANO) format = 'DecimalSI';
  } else {
    const power = exponent ? Number(exponent.slice(1)) : (DECIMAL[suffix] ?? 0);
    const shift = power - frac.length + 9;
    if (digits.length + shift - 9 > MAX_INTEGER_DIGITS) return undefined;
    if (shift >= 0) nano = BigInt(digits) * 10n ** BigInt(shift);
    else if (-shift > digits.length) nano = 1n;
    else nano = divUp(BigInt(digits), 10n ** BigInt(-shift));
  }
  return { nano: sign === '-' ? -nano : nano, format };
}

/**
 * The quantity `v` stands for: a string in the grammar above, or a finite number (as a JSON
 * number decodes). Undefined when `v` is not a quantity.
 */
export function parseQuantity(v: unknown): Quantity | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? parseText(String(v)) : undefined;
  return typeof v === 'string' ? parseText(v.trim()) : undefined;
}

/** Whether `v` is a quantity parseQuantity accepts. */
export function isQuantity(v: unknown): boolean {
  return parseQuantity(v) !== undefined;
}

/** A whole number of units (bytes, pods, objects) in `format`. */
export function quantityOf(units: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  const whole = typeof units === 'bigint' ? units : BigInt(Math.trunc(units));
  return { nano: whole * NANO, format };
}

export function zero(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nano: 0n, format };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (exactly, whatever the formats). */
export function compare(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** a + b, in a's format unless a is zero (upstream's Add). */
export function add(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

/** The value in thousandths, rounded away from zero (upstream's MilliValue). */
export function milliValue(q: Quantity): bigint {
  return divAway(q.nano, MILLI);
}

/** The value in whole units, rounded away from zero (upstream's Value). */
export function value(q: Quantity): bigint {
  return divAway(q.nano, NANO);
}

/** Strips factors of `base` from `n` (n != 0), at most `max` of them: [rest, how many]. */
function stripFactors(n: bigint, base: bigint, max: number): [bigint, number] {
  let rest = n;
  let k = 0;
  while (k < max && rest % base === 0n) {
    rest /= base;
    k++;
  }
  return [rest, k];
}

function decimalText(nano: bigint, format: QuantityFormat): string {
  let [mantissa, exponent] = stripFactors(nano, 10n, Number.MAX_SAFE_INTEGER);
  exponent -= 9;
  const over = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(over);
  exponent -= over;
  const si = format === 'DecimalSI' ? DECIMAL_SUFFIXES.get(exponent) : undefined;
  if (si !== undefined) return `${mantissa}${si}`;
  return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
}

/**
 * The canonical text of a quantity, as the API server serialises it: the largest suffix of
 * its format that keeps an integer mantissa ("1536Mi", "1500k", "250m", "12e6"). A binary
 * amount under 1024 or with a fraction prints in decimal form; a decimal one beyond "E"
 * falls back to an exponent.
 */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  if (q.format === 'BinarySI') {
    const abs = q.nano < 0n ? -q.nano : q.nano;
    if (abs >= 1024n * NANO && q.nano % NANO === 0n) {
      const [mantissa, k] = stripFactors(q.nano / NANO, 1024n, BINARY_SUFFIXES.length - 1);
      return `${mantissa}${BINARY_SUFFIXES[k]}`;
    }
    return decimalText(q.nano, 'DecimalSI');
  }
  return decimalText(q.nano, q.format);
}

/** The canonical text of a quantity's text ("1000m" -> "1"); text that is not one comes back as is. */
export function canonical(v: unknown): string {
  const q = parseQuantity(v);
  return q ? formatQuantity(q) : String(v);
}

const MEMO_LIMIT = 10_000;
const milliMemo = new Map<string, number>();
const unitMemo = new Map<string, number>();

function counted(memo: Map<string, number>, v: unknown, of: (q: Quantity) => bigint): number {
  if (typeof v !== 'string') {
    const q = parseQuantity(v);
    return q ? Number(of(q)) : 0;
  }
  let n = memo.get(v);
  if (n === undefined) {
    const q = parseQuantity(v);
    n = q ? Number(of(q)) : 0;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(v, n);
  }
  return n;
}

/**
 * MilliValue of `v` as a number (CPU in millicores), 0 when `v` is not a quantity: for code
 * that counts resources of objects the API server already admitted. Strings are memoized,
 * since every pod repeats the same few.
 */
export function milliValueOf(v: unknown): number {
  return counted(milliMemo, v, milliValue);
}

/** Value of `v` as a number (bytes, pods), 0 when `v` is not a quantity; memoized like milliValueOf. */
export function unitValueOf(v: unknown): number {
  return counted(unitMemo, v, value);
}
