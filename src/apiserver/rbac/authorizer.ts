/**
 * The RBAC authorizer: a request is allowed when a ClusterRoleBinding, or a RoleBinding in
 * the request's namespace, binds the user (by name, group or service account) to a role
 * with a rule that allows it. Also lists the rules a user holds in a namespace (for
 * SelfSubjectRulesReview and the escalation checks). Reads only the PolicyIndex.
 */
import type { UserInfo } from '../../registry/types.js';
import type { Attributes } from '../auth/attributes.js';
import type { Binding, PolicyIndex } from './policy-index.js';
import { type PolicyRule, ruleAllows, type Subject, userKeys } from './rules.js';

export interface Decision {
  allowed: boolean;
  /** Why it was allowed (upstream's wording); empty when denied. */
  reason: string;
}

function describeSubject(s: Subject, binding: Binding): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || binding.namespace}"`;
  return `${s.kind} "${s.name}"`;
}

function describeBinding(b: Binding): string {
  return b.kind === 'RoleBinding'
    ? `RoleBinding "${b.name}/${b.namespace}"`
    : `ClusterRoleBinding "${b.name}"`;
}

export class RbacAuthorizer {
  constructor(private readonly index: PolicyIndex) {}

  authorize(user: UserInfo, a: Attributes): Decision {
    const keys = userKeys(user);
    const scopes = a.isResourceRequest && a.namespace ? ['', a.namespace] : [''];
    for (const ns of scopes) {
      for (const { binding, subject } of this.index.bindings(ns, keys)) {
        if (!validRef(binding)) continue;
        const rules = this.index.rulesOf(binding.roleRef, binding.namespace);
        if (!rules?.some((r) => ruleAllows(r, a))) continue;
        return {
          allowed: true,
          reason: `RBAC: allowed by ${describeBinding(binding)} of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, binding)}`,
        };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** Every rule `user` holds in `namespace` (cluster-wide ones included; '' for cluster-wide only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const keys = userKeys(user);
    const out: PolicyRule[] = [];
    for (const ns of namespace ? ['', namespace] : ['']) {
      for (const { binding } of this.index.bindings(ns, keys)) {
        if (!validRef(binding)) continue;
        out.push(...(this.index.rulesOf(binding.roleRef, binding.namespace) ?? []));
      }
    }
    return out;
  }
}

/** A ClusterRoleBinding may only refer to a ClusterRole. */
function validRef(b: Binding): boolean {
  return b.kind === 'RoleBinding' || b.roleRef.kind === 'ClusterRole';
}
