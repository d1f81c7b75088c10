/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the Impersonate-User,
 * Impersonate-Group, Impersonate-Uid and Impersonate-Extra-* headers replace the
 * requester's identity once the requester may `impersonate` each part (users, or a
 * service account by namespace and name; groups; uids and userextras in
 * authentication.k8s.io), as kube-apiserver's impersonation filter does. Extras are
 * checked but not kept (the user model has no extras).
 */
import type { UserInfo } from '../../registry/types.js';
import { Errors } from '../errors.js';
import type { Req } from '../http/types.js';
import type { Attributes, ResourceAttributes } from './attributes.js';
import { type Authorizer, forbidden } from './authorize.js';

const SA_PREFIX = 'system:serviceaccount:';

function values(req: Req, name: string): string[] {
  const distinct = (req as { headersDistinct?: Record<string, string[] | undefined> }).headersDistinct;
  if (distinct) return distinct[name] ?? [];
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(/,\s*/)).filter((s) => s !== '');
}

function check(authz: Authorizer, user: UserInfo, info: Attributes): void {
  if (!authz.isAllowed(user, info)) throw forbidden(user, info);
}

function target(
  resource: string,
  name: string,
  namespace = '',
  group = '',
  subresource = '',
): ResourceAttributes {
  return { isResourceRequest: true, verb: 'impersonate', group, namespace, resource, subresource, name };
}

/** The user the request acts as: `user` itself without impersonation headers. */
export function impersonate(req: Req, user: UserInfo, authz: Authorizer): UserInfo {
  const names = values(req, 'impersonate-user');
  const groups = values(req, 'impersonate-group');
  const uids = values(req, 'impersonate-uid');
  const extraKeys = Object.keys(req.headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (names.length === 0) {
    if (groups.length > 0 || uids.length > 0 || extraKeys.length > 0)
      throw Errors.badRequest(
        'requested impersonation of groups, a uid or extras without impersonating a user',
      );
    return user;
  }
  if (names.length > 1 || uids.length > 1)
    throw Errors.badRequest('only one user and one uid may be impersonated');
  const name = names[0] ?? '';
  const out: string[] = [];
  if (name.startsWith(SA_PREFIX)) {
    const [ns = '', sa = ''] = name.slice(SA_PREFIX.length).split(':');
    check(authz, user, target('serviceaccounts', sa, ns));
    out.push('system:serviceaccounts', `system:serviceaccounts:${ns}`);
  } else {
    check(authz, user, target('users', name));
  }
  for (const g of groups) {
    check(authz, user, target('groups', g));
    if (!out.includes(g)) out.push(g);
  }
  const uid = uids[0];
  if (uid !== undefined) check(authz, user, target('uids', uid, '', 'authentication.k8s.io'));
  for (const h of extraKeys) {
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
    for (const v of values(req, h))
      check(authz, user, target('userextras', v, '', 'authentication.k8s.io', key));
  }
  if (name !== 'system:anonymous' && !out.includes('system:authenticated')) out.push('system:authenticated');
  return { name, groups: out, ...(uid !== undefined ? { uid } : {}) };
}
