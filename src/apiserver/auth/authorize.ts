/**
 * Authorization: members of system:masters may do everything (as upstream, outside RBAC);
 * everyone else gets what RBAC grants (../rbac). Refusals carry upstream's Forbidden
 * message, which names the user and what was asked, and nothing from RBAC.
 */
import type { UserInfo } from '../../registry/types.js';
import { ApiError } from '../errors.js';
import type { RbacAuthorizer } from '../rbac/authorizer.js';
import { PRIVILEGED_GROUP } from '../rbac/escalation.js';
import type { Attributes } from '../rbac/rules.js';
import type { RequestInfo } from '../request-info.js';

export interface Decision {
  allowed: boolean;
  reason: string;
}

/**
 * What a request asks, as far as authorization looks: a parsed request, or a question
 * built elsewhere (impersonation asks for verbs requests never carry).
 */
export type Asked =
  | RequestInfo
  | {
      isResourceRequest: true;
      verb: string;
      group: string;
      resource: string;
      subresource: string;
      name: string;
      namespace: string;
    };

/** The attributes RBAC matches from a parsed request. */
export function attributesOf(info: Asked): Attributes {
  return info.isResourceRequest
    ? {
        resourceRequest: true,
        verb: info.verb,
        group: info.group,
        resource: info.resource,
        subresource: info.subresource,
        name: info.name,
        namespace: info.namespace,
      }
    : { resourceRequest: false, verb: info.verb, path: info.path };
}

export class Authorizer {
  constructor(private readonly rbac: RbacAuthorizer) {}

  authorize(user: UserInfo, a: Attributes): Decision {
    if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
    return this.rbac.authorize(user, a);
  }

  isAllowed(user: UserInfo, info: Asked): boolean {
    return this.authorize(user, attributesOf(info)).allowed;
  }
}

export function forbidden(user: UserInfo, info: Asked): ApiError {
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
