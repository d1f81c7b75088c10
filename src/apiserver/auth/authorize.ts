/**
 * Authorization. Members of system:masters may do everything; everyone else is refused
 * with upstream's Forbidden message. (RBAC objects are stored; evaluating them is the
 * next step of this module.)
 */
import type { UserInfo } from '../../registry/types.js';
import { ApiError } from '../errors.js';
import type { RequestInfo } from '../request-info.js';

export function isAllowed(user: UserInfo, _info: RequestInfo): boolean {
  return user.groups.includes('system:masters');
}

export function forbidden(user: UserInfo, info: RequestInfo): ApiError {
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
