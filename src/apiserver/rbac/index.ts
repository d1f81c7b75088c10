/**
 * RBAC for one API server: the policy index fed from the registry's watch caches, the
 * authorizer over it, the escalation check installed as admission on the RBAC resources
 * (wrapping the registry's admission, which runs first), and the writer of aggregated
 * ClusterRoles' rules. One per registry.
 * The feed lives as long as the registry's caches (it holds nothing that keeps a
 * process alive).
 */
import type { Registry } from '../../registry/registry.js';
import { RoleAggregator } from './aggregation.js';
import { RbacAuthorizer } from './authorizer.js';
import { EscalationCheck } from './escalation.js';
import { feedPolicyIndex } from './feed.js';
import { PolicyIndex } from './policy-index.js';
import { RBAC_GROUP } from './rules.js';

export interface Rbac {
  index: PolicyIndex;
  authorizer: RbacAuthorizer;
  escalation: EscalationCheck;
}

const byRegistry = new WeakMap<Registry, Rbac>();

/** The RBAC of `registry`, set up on first use. */
export function rbacFor(registry: Registry): Rbac {
  const known = byRegistry.get(registry);
  if (known) return known;
  const index = new PolicyIndex();
  const authorizer = new RbacAuthorizer(index);
  const escalation = new EscalationCheck(index, authorizer);
  const rbac = { index, authorizer, escalation };
  byRegistry.set(registry, rbac);
  const aggregator = new RoleAggregator(registry, index);
  feedPolicyIndex(registry, index, new AbortController().signal, (kind) => {
    if (kind === 'clusterroles') aggregator.schedule();
  });
  const env = registry.get(RBAC_GROUP, 'v1', 'roles')?.env;
  if (env) {
    const before = env.admit;
    env.admit = async (op, def, obj, old, ctx) => {
      await before?.(op, def, obj, old, ctx);
      if (def.info.group === RBAC_GROUP) escalation.check(def.info.plural, obj, ctx);
    };
  }
  return rbac;
}
