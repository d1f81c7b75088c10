/**
 * Scaling an IntOrString field (maxUnavailable, maxSurge) against a total: an integer is
 * taken as is, `N%` is N percent of the total rounded up or down as the field's owner
 * decides. Anything else is an error message. Pure.
 */

export function scaledValue(
  v: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: number,
): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${v}`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
