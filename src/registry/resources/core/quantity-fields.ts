/**
 * Where the core kinds hold resource quantities, and the decoding check over them: a value
 * that is not a quantity refuses the whole write with 400 BadRequest, as upstream's decoder
 * does (`Pod in version "v1" cannot be handled as a Pod: quantities must match the regular
 * expression ...`). Runs as the first hook of a write (defaults), before admission reads
 * any of the values. Pure but for the error it throws.
 */
import { decodeErrorMessage, quantitySyntaxError } from '../../../api/validation/quantity-syntax.js';
import { Errors } from '../../../apiserver/errors.js';
import type { KObject } from '../../types.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : [];
}

/** The values of a resource list. */
function values(v: unknown): unknown[] {
  const o = obj(v);
  return o ? Object.values(o) : [];
}

/** The quantities of a pod spec (also a template's): resources, overhead, emptyDir sizes. */
export function podSpecQuantities(spec: unknown): unknown[] {
  const s = obj(spec) ?? {};
  const out: unknown[] = [];
  for (const k of ['initContainers', 'containers', 'ephemeralContainers'])
    for (const c of list(s[k])) {
      const r = obj(c['resources']) ?? {};
      out.push(...values(r['requests']), ...values(r['limits']));
    }
  const r = obj(s['resources']) ?? {};
  out.push(...values(r['requests']), ...values(r['limits']), ...values(s['overhead']));
  for (const v of list(s['volumes'])) {
    const size = obj(v['emptyDir'])?.['sizeLimit'];
    if (size !== undefined) out.push(size);
  }
  return out;
}

/** The quantities of an object of a core kind this module knows; none for the others. */
export function quantitiesOf(kind: string, o: KObject): unknown[] {
  const spec = obj(o['spec']) ?? {};
  const status = obj(o['status']) ?? {};
  switch (kind) {
    case 'Pod':
      return podSpecQuantities(spec);
    case 'PodTemplate':
      return podSpecQuantities(obj(o['template'])?.['spec']);
    case 'PersistentVolumeClaim': {
      const r = obj(spec['resources']) ?? {};
      return [
        ...values(r['requests']),
        ...values(r['limits']),
        ...values(status['capacity']),
        ...values(status['allocatedResources']),
      ];
    }
    case 'ResourceQuota':
      return [...values(spec['hard']), ...values(status['hard']), ...values(status['used'])];
    case 'LimitRange':
      return list(spec['limits']).flatMap((l) =>
        ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'].flatMap((k) => values(l[k])),
      );
    default:
      return [];
  }
}

/** Throws upstream's 400 decoding error (for `kind`) at the first of `values` that is no quantity. */
function refuseUnparsable(kind: string, version: string, values: unknown[]): void {
  for (const v of values) {
    const why = quantitySyntaxError(v);
    if (why) throw Errors.badRequest(decodeErrorMessage(kind, version, why));
  }
}

/** Throws upstream's 400 decoding error when a quantity of `o` does not parse. */
export function checkQuantities(kind: string, version: string, o: KObject): void {
  refuseUnparsable(kind, version, quantitiesOf(kind, o));
}

/** Throws upstream's 400 decoding error when a quantity of a (template's) pod spec does not parse. */
export function checkPodSpecQuantities(kind: string, version: string, spec: unknown): void {
  refuseUnparsable(kind, version, podSpecQuantities(spec));
}
