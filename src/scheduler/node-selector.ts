/**
 * Matching nodes as the scheduler does: node selector terms (matchExpressions on labels
 * with In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields on `metadata.name`), a pod's
 * required node affinity (nodeSelector AND any one of the terms), and taints against
 * tolerations. A term with no requirement matches no node, as upstream says. Pure.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values: readonly string[];
}

/** One term: all its requirements must hold. */
export interface NodeSelectorTerm {
  expressions: readonly NodeSelectorRequirement[];
  fields: readonly NodeSelectorRequirement[];
}

type Obj = Record<string, unknown>;

function requirements(list: unknown): NodeSelectorRequirement[] {
  if (!Array.isArray(list)) return [];
  return (list as Obj[]).map((r) => ({
    key: String(r['key'] ?? ''),
    operator: String(r['operator'] ?? ''),
    values: Array.isArray(r['values']) ? (r['values'] as unknown[]).map(String) : [],
  }));
}

export function parseTerm(term: unknown): NodeSelectorTerm {
  const t = (term ?? {}) as Obj;
  return { expressions: requirements(t['matchExpressions']), fields: requirements(t['matchFields']) };
}

const INTEGER = /^[+-]?\d+$/;

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = r.values[0];
      if (value === undefined || bound === undefined || !INTEGER.test(value) || !INTEGER.test(bound))
        return false;
      return r.operator === 'Gt' ? Number(value) > Number(bound) : Number(value) < Number(bound);
    }
    default:
      return false;
  }
}

/** Whether a node with these labels and name satisfies the term (an empty term matches nothing). */
export function termMatches(
  term: NodeSelectorTerm,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  if (term.expressions.length === 0 && term.fields.length === 0) return false;
  for (const r of term.expressions) {
    if (!requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) return false;
  }
  for (const r of term.fields) {
    if (!requirementMatches(r, r.key === 'metadata.name' ? nodeName : undefined)) return false;
  }
  return true;
}

/**
 * A pod's required node placement: its nodeSelector labels, and (when present) the terms of
 * requiredDuringSchedulingIgnoredDuringExecution, of which one must match. `terms` is
 * undefined when the pod has no required node affinity (an empty list matches nothing).
 */
export interface RequiredNodeAffinity {
  selector: Readonly<Record<string, string>> | undefined;
  terms: readonly NodeSelectorTerm[] | undefined;
}

export function requiredAffinityMatches(
  req: RequiredNodeAffinity,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  if (req.selector) {
    for (const k in req.selector)
      if (!Object.hasOwn(labels, k) || labels[k] !== req.selector[k]) return false;
  }
  if (req.terms) {
    for (const t of req.terms) if (termMatches(t, labels, nodeName)) return true;
    return false;
  }
  return true;
}

export function hasRequiredAffinity(req: RequiredNodeAffinity): boolean {
  return (req.selector !== undefined && Object.keys(req.selector).length > 0) || req.terms !== undefined;
}

/** Upstream's ToleratesTaint: effect and key match when given; Equal compares values, Exists does not. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint with one of `effects` that no toleration tolerates, if any. */
export function firstUntolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly string[],
): Taint | undefined {
  for (const taint of taints) {
    if (effects.includes(taint.effect) && !tolerated(tolerations, taint)) return taint;
  }
  return undefined;
}
