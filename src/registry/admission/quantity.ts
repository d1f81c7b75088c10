/**
 * Resource quantities ("100m", "1Gi", "2", "1e3") as exact integers of milli-units, with
 * the canonical text form Kubernetes prints them in ("1536Mi", "2k", "250m"). Enough for
 * quota accounting and limit ranges; sub-milli amounts round up, as upstream rounds them.
 * Pure.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 1000 (so "100m" is 100n and "1" is 1000n). */
  milli: bigint;
  format: QuantityFormat;
}

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const SHAPE = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(.*)$/;

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Parses a quantity; undefined when `v` is not one. */
export function parseQuantity(v: unknown): Quantity | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    v = String(v);
  }
  if (typeof v !== 'string') return undefined;
  const m = SHAPE.exec(v.trim());
  if (!m) return undefined;
  const [, sign, num, suffix] = m as unknown as [string, string, string, string];
  const [whole = '', frac = ''] = num.split('.');
  let mantissa = BigInt(`${whole || '0'}${frac}`);
  if (sign === '-') mantissa = -mantissa;
  const scale = frac.length;
  let format: QuantityFormat = 'DecimalSI';
  let milli: bigint;
  if (suffix in BINARY) {
    format = 'BinarySI';
    milli = ceilDiv(mantissa * 1024n ** BigInt(BINARY[suffix]!) * 1000n, 10n ** BigInt(scale));
  } else {
    let exp: number;
    if (suffix in DECIMAL) exp = DECIMAL[suffix]!;
    else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
      exp = Number(suffix.slice(1));
      format = 'DecimalExponent';
    } else return undefined;
    const shift = exp + 3 - scale;
    milli = shift >= 0 ? mantissa * 10n ** BigInt(shift) : ceilDiv(mantissa, 10n ** BigInt(-shift));
  }
  return { milli, format };
}

function largestPower(v: bigint, base: bigint, max: number): number {
  let k = 0;
  let p = base;
  while (k < max && v % p === 0n) {
    k++;
    p *= base;
  }
  return k;
}

/** The canonical text of a quantity, as the API server serialises it. */
export function formatQuantity(q: Quantity): string {
  if (q.milli === 0n) return '0';
  if (q.milli % 1000n !== 0n) return `${q.milli}m`;
  const v = q.milli / 1000n;
  const abs = v < 0n ? -v : v;
  if (q.format === 'BinarySI' && abs >= 1024n) {
    const k = largestPower(v, 1024n, 6);
    if (k > 0) return `${v / 1024n ** BigInt(k)}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][k]}`;
    return String(v);
  }
  const k = largestPower(v, 1000n, 6);
  if (k === 0) return String(v);
  const base = v / 1000n ** BigInt(k);
  if (q.format === 'DecimalExponent') return `${base}e${3 * k}`;
  return `${base}${['', 'k', 'M', 'G', 'T', 'P', 'E'][k]}`;
}

/** Canonicalises a quantity's text ("1000m" -> "1"); unparsable text comes back as is. */
export function canonical(v: unknown): string {
  const q = parseQuantity(v);
  return q ? formatQuantity(q) : String(v);
}

export function zero(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { milli: 0n, format };
}

/** a + b, in a's format unless a is zero. */
export function add(a: Quantity, b: Quantity): Quantity {
  return { milli: a.milli + b.milli, format: a.milli === 0n ? b.format : a.format };
}

export function count(n: number): Quantity {
  return { milli: BigInt(n) * 1000n, format: 'DecimalSI' };
}

/** A resource list: resource name -> quantity. */
export type ResourceList = Map<string, Quantity>;

/** A resource list from its JSON form; entries that are not quantities are skipped. */
export function toResourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (!v || typeof v !== 'object') return out;
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    const q = parseQuantity(raw);
    if (q) out.set(k, q);
  }
  return out;
}

/** The JSON form of a resource list, keys sorted, quantities canonical. */
export function fromResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = formatQuantity(list.get(k)!);
  return out;
}

export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    out.set(k, cur ? add(cur, v) : v);
  }
  return out;
}

/** "cpu=1,memory=1Gi": keys sorted, as quota messages print resource lists. */
export function prettyList(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(list.get(k)!)}`)
    .join(',');
}
