/**
 * Query parameters of resource requests: list and watch options (selectors combined into
 * one object filter), delete options, dry run. Bad values are 400 BadRequest.
 */
import {
  convertFieldSelector,
  fieldsOf,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  validateFieldSelector,
} from '../../api/selectors/index.js';
import type { ObjectFilter } from '../../registry/cache/resource-cache.js';
import type { DeleteOptions, ListOptions, PropagationPolicy } from '../../registry/generic/options.js';
import type { KObject } from '../../registry/types.js';
import { Errors } from '../errors.js';

/** Combines labelSelector and fieldSelector into one filter (undefined when neither is set). */
export function objectFilter(kind: string, group: string, q: URLSearchParams): ObjectFilter | undefined {
  const ls = q.get('labelSelector') ?? '';
  const fs = q.get('fieldSelector') ?? '';
  if (!ls && !fs) return undefined;
  try {
    const labels = ls ? parseLabelSelector(ls) : undefined;
    let fields = fs ? parseFieldSelector(fs) : undefined;
    if (fields) {
      const unsupported = validateFieldSelector(kind, fields, group);
      if (unsupported) throw Errors.badRequest(unsupported);
      fields = convertFieldSelector(kind, fields, group);
    }
    const f = fields;
    return (obj: KObject) =>
      (!labels || labels.matches(obj.metadata?.labels ?? {})) &&
      (!f || f.matches(fieldsOf(kind, obj, group)));
  } catch (err) {
    if (err instanceof SelectorError) throw Errors.badRequest(err.message);
    throw err;
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw Errors.badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

export function listOptions(kind: string, group: string, q: URLSearchParams): ListOptions {
  const opts: ListOptions = {};
  const filter = objectFilter(kind, group, q);
  if (filter) opts.filter = filter;
  const limit = intParam(q, 'limit');
  if (limit !== undefined && limit > 0) opts.limit = limit;
  const cont = q.get('continue');
  if (cont) opts.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null) opts.resourceVersion = rv;
  const match = q.get('resourceVersionMatch');
  if (match) {
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      throw Errors.badRequest(
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      );
    }
    if (!rv) throw Errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (match === 'Exact' && rv === '0')
      throw Errors.badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    if (cont) throw Errors.badRequest('resourceVersionMatch is forbidden when continue is provided');
    opts.resourceVersionMatch = match;
  }
  if (cont && rv && rv !== '0')
    throw Errors.badRequest('specifying resource version is not allowed when using continue');
  return opts;
}

export function isDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw Errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

const POLICIES: PropagationPolicy[] = ['Orphan', 'Background', 'Foreground'];

/** DeleteOptions from the body (if any) and the query string (the query wins). */
export function deleteOptions(body: Record<string, unknown> | undefined, q: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  const grace = intParam(q, 'gracePeriodSeconds') ?? numberField(body, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = q.get('propagationPolicy') ?? body?.['propagationPolicy'];
  if (policy !== undefined && policy !== null) {
    if (!POLICIES.includes(policy as PropagationPolicy)) {
      throw Errors.badRequest(
        `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    opts.propagationPolicy = policy as PropagationPolicy;
  }
  const orphan = q.get('orphanDependents') ?? body?.['orphanDependents'];
  if (orphan !== undefined && orphan !== null) opts.orphanDependents = orphan === true || orphan === 'true';
  if (opts.orphanDependents !== undefined && opts.propagationPolicy) {
    throw Errors.badRequest('orphanDependents and propagationPolicy cannot both be set');
  }
  const pre = body?.['preconditions'];
  if (pre && typeof pre === 'object') {
    const p = pre as Record<string, unknown>;
    opts.preconditions = {};
    if (typeof p['uid'] === 'string') opts.preconditions.uid = p['uid'];
    if (typeof p['resourceVersion'] === 'string') opts.preconditions.resourceVersion = p['resourceVersion'];
  }
  return opts;
}

function numberField(body: Record<string, unknown> | undefined, name: string): number | undefined {
  const v = body?.[name];
  return typeof v === 'number' ? v : undefined;
}
