/**
 * Authorization: members of system:masters may do everything (as upstream, outside RBAC);
 * everyone else gets what RBAC grants (../rbac). Refusals carry upstream's Forbidden
 * message, which names the user and what was asked, and nothing from RBAC.
 */
import type { UserInfo } from '../../registry/types.js';
import { ApiError } from '../errors.js';
import type { Decision, RbacAuthorizer } from '../rbac/authorizer.js';
import { PRIVILEGED_GROUP } from '../rbac/escalation.js';
import type { Attributes } from './attributes.js';

export class Authorizer {
  constructor(private readonly rbac: RbacAuthorizer) {}

  authorize(user: UserInfo, a: Attributes): Decision {
    if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
    return this.rbac.authorize(user, a);
  }

  /** Whether `user` may do what `a` asks (a parsed request is Attributes too). */
  isAllowed(user: UserInfo, a: Attributes): boolean {
    return this.authorize(user, a).allowed;
  }
}

export function forbidden(user: UserInfo, info: Attributes): ApiError {
  if (!info.isResourceRequest) {
    return new ApiError(
      403,
      'Forbidden',
      `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"`,
    );
  }
  const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const qualified = info.group ? `${info.resource}.${info.group}` : info.resource;
  const subject = info.name ? `${qualified} "${info.name}"` : qualified;
  const scope = info.namespace
    ? ` in the namespace "${info.namespace}"`
    : info.resource === 'namespaces'
      ? ''
      : ' at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user.name}" cannot ${info.verb} resource "${res}" in API group "${info.group}"${scope}`,
    { name: info.name, group: info.group, kind: info.resource },
  );
}
