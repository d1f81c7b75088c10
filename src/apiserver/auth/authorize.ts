/**
 * Authorization. Members of system:masters may do everything. Every authenticated user
 * may also do what upstream's default roles system:basic-user and system:discovery grant
 * (create self-reviews, read discovery, OpenAPI, version and health); everything else is
 * refused with upstream's Forbidden message. (RBAC objects are stored; evaluating them is
 * the next step of this module.)
 */
import type { UserInfo } from '../../registry/types.js';
import { ApiError } from '../errors.js';
import type { RequestInfo } from '../request-info.js';

/** What system:basic-user grants: asking about oneself. */
const SELF_REVIEWS = new Set([
  'authentication.k8s.io/selfsubjectreviews',
  'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews',
]);
/** What system:discovery and system:public-info-viewer grant. */
const DISCOVERY = /^\/(api|apis|openapi)(\/.*)?$|^\/(healthz|livez|readyz|version)(\/.*)?$/;

export function isAllowed(user: UserInfo, info: RequestInfo): boolean {
  if (user.groups.includes('system:masters')) return true;
  if (!user.groups.includes('system:authenticated')) return false;
  if (info.isResourceRequest)
    return info.verb === 'create' && SELF_REVIEWS.has(`${info.group}/${info.resource}`);
  return info.verb === 'get' && DISCOVERY.test(info.path);
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
