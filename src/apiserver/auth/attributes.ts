/**
 * What a request asks, as authorization sees it (upstream's authorizer.Attributes): a verb on
 * a resource (group, resource, subresource, name, namespace) or on a non-resource path. A
 * parsed request (../request-info.ts) is one; impersonation checks, SubjectAccessReviews and
 * the RBAC escalation check build their own. Types only.
 */

/** A verb on a resource; empty strings for the parts a request does not name. */
export interface ResourceAttributes {
  isResourceRequest: true;
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  name: string;
  namespace: string;
}

/** A verb (the lower-case HTTP method) on a path outside the resource API. */
export interface NonResourceAttributes {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;
