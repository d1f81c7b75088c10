/**
 * Validation of the resource quantities of core kinds, with upstream's messages and paths:
 * every container's resources (values, and requests against limits) and the pod overhead;
 * a claim's spec.resources[storage] (required, above zero); a quota's hard limits (and the
 * status lists its controller writes); a LimitRange's min/max/default/defaultRequest/
 * maxLimitRequestRatio against each other. Values that are not quantities never get here
 * (./quantity-fields.ts refuses them first). Pure.
 */
import { compare, formatQuantity, type Quantity, quantityOf } from '../../../api/quantity/index.js';
import {
  child,
  type FieldError,
  index,
  isOvercommitAllowed,
  key,
  quantities,
  validatePositiveQuantityValue,
  validateResourceList,
  validateResourceQuantityValue,
  validateResourceRequirements,
} from '../../../api/validation/index.js';
import type { KObject } from '../../types.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** The resources of every container of a pod spec (or template) at `path`, and its overhead. */
export function validatePodSpecResources(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: unknown, i) => {
      errs.push(
        ...validateResourceRequirements(obj(c)['resources'], child(index(child(path, list), i), 'resources')),
      );
    });
  }
  errs.push(...validateResourceList(spec['overhead'], child(path, 'overhead')));
  return errs;
}

/** A claim's storage request: required and above zero, at upstream's `spec.resources[storage]`. */
export function validateClaimResources(claim: KObject): FieldError[] {
  const spec = obj(claim['spec']);
  const res = obj(spec['resources']);
  const path = key('spec.resources', 'storage');
  const storage = new Map(quantities(res['requests'])).get('storage');
  if (!storage) return [{ type: 'FieldValueRequired', field: path, detail: '' }];
  const positive = validatePositiveQuantityValue(storage, path);
  return positive.length > 0 ? positive : validateResourceQuantityValue('storage', storage, path);
}

/** A quota's spec.hard, and status.hard and status.used. */
export function validateQuotaResources(quota: KObject): FieldError[] {
  const status = obj(quota['status']);
  return [
    ...validateResourceList(obj(quota['spec'])['hard'], 'spec.hard'),
    ...validateResourceList(status['hard'], 'status.hard'),
    ...validateResourceList(status['used'], 'status.used'),
  ];
}

const ONE = quantityOf(1);

/** One LimitRange item's values against each other, as upstream's ValidateLimitRange. */
function validateLimitItem(item: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = item['type'];
  const of = (k: string) => new Map(quantities(item[k]));
  const min = of('min');
  const max = of('max');
  const dflt = of('default');
  const dreq = of('defaultRequest');
  const ratio = of('maxLimitRequestRatio');
  if (type === 'Pod') {
    if (Object.keys(obj(item['default'])).length > 0)
      errs.push({
        type: 'FieldValueForbidden',
        field: child(path, 'default'),
        detail: "may not be specified when `type` is 'Pod'",
      });
    if (Object.keys(obj(item['defaultRequest'])).length > 0)
      errs.push({
        type: 'FieldValueForbidden',
        field: child(path, 'defaultRequest'),
        detail: "may not be specified when `type` is 'Pod'",
      });
  }
  if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage'))
    errs.push({
      type: 'FieldValueRequired',
      field: child(path, 'limits'),
      detail: 'either minimum or maximum storage value is required, but neither was provided',
    });
  const names = [
    ...new Set([...min.keys(), ...max.keys(), ...dflt.keys(), ...dreq.keys(), ...ratio.keys()]),
  ].sort();
  const s = formatQuantity;
  const bad = (f: string, k: string, v: Quantity, detail: string) =>
    errs.push({ type: 'FieldValueInvalid', field: key(child(path, f), k), value: s(v), detail });
  for (const k of names) {
    const mn = min.get(k);
    const mx = max.get(k);
    const df = dflt.get(k);
    const dr = dreq.get(k);
    const r = ratio.get(k);
    if (mn && mx && compare(mn, mx) > 0)
      bad('min', k, mn, `min value ${s(mn)} is greater than max value ${s(mx)}`);
    if (dr && mn && compare(mn, dr) > 0)
      bad('defaultRequest', k, dr, `min value ${s(mn)} is greater than default request value ${s(dr)}`);
    if (dr && mx && compare(dr, mx) > 0)
      bad('defaultRequest', k, dr, `default request value ${s(dr)} is greater than max value ${s(mx)}`);
    if (dr && df && compare(dr, df) > 0)
      bad(
        'defaultRequest',
        k,
        dr,
        `default request value ${s(dr)} is greater than default limit value ${s(df)}`,
      );
    if (df && mn && compare(mn, df) > 0)
      bad('default', k, mn, `min value ${s(mn)} is greater than default value ${s(df)}`);
    if (df && mx && compare(df, mx) > 0)
      bad('default', k, mx, `default value ${s(df)} is greater than max value ${s(mx)}`);
    if (r && compare(r, ONE) < 0) bad('maxLimitRequestRatio', k, r, `ratio ${s(r)} is less than 1`);
    if (r && mn && mx && mn.nano !== 0n) {
      const limit = Number(mx.nano) / Number(mn.nano);
      if (Number(r.nano) / 1e9 > limit)
        bad('maxLimitRequestRatio', k, r, `ratio ${s(r)} is greater than max/min = ${limit.toFixed(6)}`);
    }
    if (!isOvercommitAllowed(k) && df && dr && compare(df, dr) !== 0)
      bad(
        'defaultRequest',
        k,
        dr,
        `default value ${s(df)} must equal to defaultRequest value ${s(dr)} in ${k}`,
      );
  }
  return errs;
}

/** Every item of a LimitRange's spec.limits. */
export function validateLimitRangeResources(lr: KObject): FieldError[] {
  const limits = obj(lr['spec'])['limits'];
  if (!Array.isArray(limits)) return [];
  return limits.flatMap((item: unknown, i) => validateLimitItem(obj(item), index('spec.limits', i)));
}
