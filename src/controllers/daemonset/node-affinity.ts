/**
 * Node selection for daemon pods: matching a node against a pod's nodeSelector and
 * required node affinity (terms ORed; expressions on labels with In, NotIn, Exists,
 * DoesNotExist, Gt, Lt; fields on `metadata.name`), tolerating taints, and the affinity
 * term `metadata.name In [node]` with which a daemon pod asks the scheduler for its node
 * (as upstream does since 1.12), read back to know which node a pod is meant for. Pure.
 */
import type {
  Affinity,
  Node,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1.js';

/** The field a node name requirement selects on. */
export const NODE_NAME_FIELD = 'metadata.name';

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number(value);
      const want = Number(values[0]);
      if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A term matches when all its requirements do; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, labels[e.key])) return false;
  for (const f of fields) {
    if (f.key !== NODE_NAME_FIELD || (f.operator !== 'In' && f.operator !== 'NotIn')) return false;
    if (!requirementMatches(f, node.metadata?.name)) return false;
  }
  return true;
}

export function nodeSelectorMatches(selector: NodeSelector, node: Node): boolean {
  return (selector.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** The pod's nodeSelector and required node affinity both accept the node. */
export function nodeFitsAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || nodeSelectorMatches(required, node);
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.operator || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** The first taint passing `filter` that no toleration tolerates. */
export function untoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  return (taints ?? []).find(
    (taint) => filter(taint) && !(tolerations ?? []).some((t) => tolerates(t, taint)),
  );
}

/**
 * `affinity` with its required node affinity replaced by `metadata.name In [nodeName]`
 * (preferred terms and pod (anti-)affinity are kept). Returns a new object.
 */
export function withNodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const a = structuredClone(affinity ?? {});
  const term: NodeSelectorTerm = {
    matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }],
  };
  a.nodeAffinity = {
    ...(a.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] },
  };
  return a;
}

/** The node a pod runs on or is meant for: spec.nodeName, else its single `metadata.name In` term. */
export function targetNodeName(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  const terms =
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === NODE_NAME_FIELD && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
