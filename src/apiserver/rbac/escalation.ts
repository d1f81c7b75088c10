/**
 * Escalation prevention on writes of RBAC objects, as kube-apiserver's RBAC storage does
 * it: a Role or ClusterRole may carry only rules its writer already holds (in the role's
 * namespace) unless the writer may `escalate` it; an aggregationRule needs full authority;
 * a binding may name only a role whose rules its writer holds unless the writer may `bind`
 * that role. Members of system:masters pass. Runs as admission (sees the final object of
 * a create, update, patch or apply); throws a 403 Status, or a 404 for a missing role.
 */
import type { KObject, RequestContext, UserInfo } from '../../registry/types.js';
import { ApiError, Errors } from '../errors.js';
import type { RbacAuthorizer } from './authorizer.js';
import type { PolicyIndex, RoleRef } from './policy-index.js';
import { describeRule, type PolicyRule, RBAC_GROUP, uncovered } from './rules.js';

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export const PRIVILEGED_GROUP = 'system:masters';

function forbidden(plural: string, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${plural}.${RBAC_GROUP} "${name}" is forbidden: ${why}`, {
    name,
    group: RBAC_GROUP,
    kind: plural,
  });
}

function notHeld(user: UserInfo, missing: PolicyRule[]): string {
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]`;
  return `user ${JSON.stringify(user.name)} (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(describeRule).join('\n')}`;
}

export class EscalationCheck {
  constructor(
    private readonly index: PolicyIndex,
    private readonly rbac: RbacAuthorizer,
  ) {}

  /** Throws unless `ctx.user` may write `obj` (an object of `plural` in the RBAC group). */
  check(plural: string, obj: KObject, ctx: RequestContext | undefined): void {
    const user = ctx?.user;
    if (!user || user.groups.includes(PRIVILEGED_GROUP)) return;
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    if (plural === 'roles' || plural === 'clusterroles') {
      const isCluster = plural === 'clusterroles';
      if (this.may(user, 'escalate', plural, isCluster ? '' : namespace, name)) return;
      const held = this.rbac.rulesFor(user, isCluster ? '' : namespace);
      if (isCluster && obj['aggregationRule'] && uncovered(held, FULL_AUTHORITY).length > 0)
        throw forbidden(plural, name, 'must have cluster-admin privileges to use the aggregationRule');
      const rules = Array.isArray(obj['rules']) ? (obj['rules'] as PolicyRule[]) : [];
      const missing = uncovered(held, rules);
      if (missing.length > 0) throw forbidden(plural, name, notHeld(user, missing));
      return;
    }
    if (plural === 'rolebindings' || plural === 'clusterrolebindings') {
      const ref = (obj['roleRef'] ?? {}) as RoleRef;
      const ns = plural === 'rolebindings' ? namespace : '';
      const rolePlural = ref.kind === 'Role' ? 'roles' : 'clusterroles';
      if (this.may(user, 'bind', rolePlural, ns, ref.name)) return;
      const rules = this.index.rulesOf(ref, ns);
      if (!rules) throw Errors.notFound({ group: RBAC_GROUP, resource: rolePlural }, ref.name);
      const missing = uncovered(this.rbac.rulesFor(user, ns), rules);
      if (missing.length > 0) throw forbidden(plural, name, notHeld(user, missing));
    }
  }

  private may(user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
    return this.rbac.authorize(user, {
      isResourceRequest: true,
      verb,
      group: RBAC_GROUP,
      resource,
      subresource: '',
      name,
      namespace,
    }).allowed;
  }
}
