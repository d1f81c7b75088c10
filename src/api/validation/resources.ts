/**
 * Validation of resource quantities and resource requirements, as upstream's
 * ValidateResourceQuantityValue, ValidateNonnegativeQuantity, ValidatePositiveQuantityValue
 * and ValidateResourceRequirements write it: a negative value "must be greater than or equal
 * to 0", a count resource (pods, services, ..., extended resources) "must be an integer", a
 * container's request above its limit "must be less than or equal to cpu limit of 1" (on
 * the requests path), and resources that may not be overcommitted (extended resources,
 * hugepages) need request equal to limit, and a limit. Values are printed in their
 * canonical form ("1000m" -> "1"). Values that are not quantities are not looked at: the
 * decoding check (./quantity-syntax.ts) refuses them first. Pure.
 */
import { compare, formatQuantity, milliValue, parseQuantity, type Quantity } from '../quantity/index.js';
import type { FieldError } from './field-error.js';
import { child, key } from './path.js';

type Obj = Record<string, unknown>;

const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/** A resource outside the kubernetes.io domain with a prefix (`example.com/gpu`), not requests.* . */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) return false;
  return !name.startsWith('requests.');
}

function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

/** cpu, memory, ephemeral-storage and storage may have requests below their limits. */
export function isOvercommitAllowed(name: string): boolean {
  return !isExtendedResourceName(name) && !name.startsWith('hugepages-');
}

function invalid(field: string, q: Quantity, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value: formatQuantity(q), detail };
}

export function validateNonnegativeQuantity(q: Quantity, field: string): FieldError[] {
  return q.nano < 0n ? [invalid(field, q, 'must be greater than or equal to 0')] : [];
}

export function validatePositiveQuantityValue(q: Quantity, field: string): FieldError[] {
  return q.nano <= 0n ? [invalid(field, q, 'must be greater than zero')] : [];
}

export function validateResourceQuantityValue(name: string, q: Quantity, field: string): FieldError[] {
  const errs = validateNonnegativeQuantity(q, field);
  if (isIntegerResourceName(name) && milliValue(q) % 1000n !== 0n)
    errs.push(invalid(field, q, 'must be an integer'));
  return errs;
}

/** The quantities of a resource list, sorted by name; values that are not quantities are left out. */
export function quantities(list: unknown): [string, Quantity][] {
  if (!list || typeof list !== 'object' || Array.isArray(list)) return [];
  const out: [string, Quantity][] = [];
  for (const [k, v] of Object.entries(list as Obj)) {
    const q = parseQuantity(v);
    if (q) out.push([k, q]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every value of a resource list (`path` is its field) as validateResourceQuantityValue checks it. */
export function validateResourceList(list: unknown, path: string): FieldError[] {
  return quantities(list).flatMap(([k, q]) => validateResourceQuantityValue(k, q, key(path, k)));
}

/** A container's (or pod's) `resources` at `path`: values, then requests against limits. */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const res = (resources && typeof resources === 'object' ? resources : {}) as Obj;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map(quantities(res['limits']));
  const errs = validateResourceList(res['limits'], limPath);
  for (const [name, q] of quantities(res['requests'])) {
    errs.push(...validateResourceQuantityValue(name, q, key(reqPath, name)));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compare(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name))
        errs.push(invalid(reqPath, q, `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      else if (cmp > 0)
        errs.push(
          invalid(reqPath, q, `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`),
        );
    } else if (!isOvercommitAllowed(name)) {
      errs.push({
        type: 'FieldValueRequired',
        field: limPath,
        detail: 'Limit must be set for non overcommitable resources',
      });
    }
  }
  return errs;
}
