/**
 * Resource lists (a ResourceQuota's hard and used, a LimitRange's min and max, a container's
 * requests): resource name -> quantity, read from and written to their JSON form, summed, and
 * printed as quota messages print them. Pure.
 */
import { add, formatQuantity, parseQuantity, type Quantity } from './quantity.js';

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
  for (const [k, q] of sortedEntries(list)) out[k] = formatQuantity(q);
  return out;
}

/** a + b, resource by resource. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    out.set(k, cur ? add(cur, v) : v);
  }
  return out;
}

/** The entries of a list by resource name. */
export function sortedEntries(list: ResourceList): [string, Quantity][] {
  return [...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "cpu=1,memory=1Gi": keys sorted, as quota messages print resource lists. */
export function prettyList(list: ResourceList): string {
  return sortedEntries(list)
    .map(([k, q]) => `${k}=${formatQuantity(q)}`)
    .join(',');
}
