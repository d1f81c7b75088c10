/**
 * Review resources, answered and never stored: SelfSubjectReview (`kubectl auth whoami`),
 * SelfSubjectAccessReview (`kubectl auth can-i`), SubjectAccessReview and
 * LocalSubjectAccessReview (the same question about another user), and
 * SelfSubjectRulesReview (`kubectl auth can-i --list`). Every answer comes from the
 * authorizer that guards requests; rules reviews list what RBAC grants. TokenReview
 * answers from the authenticator of requests (service account tokens, static tokens).
 */

import { findResource } from '../api/resources.js';
import { type FieldError, invalid, required } from '../api/validation/index.js';
import { throwIfInvalid } from '../registry/generic/invalid.js';
import { timestamp } from '../registry/generic/meta.js';
import type { UserInfo } from '../registry/types.js';
import type { Attributes } from './auth/attributes.js';
import type { Authenticator } from './auth/authenticate.js';
import type { Authorizer } from './auth/authorize.js';
import { Errors } from './errors.js';
import { asObject, bodyFormat, parseText, readBody } from './http/body.js';
import type { Req } from './http/types.js';
import type { RbacAuthorizer } from './rbac/authorizer.js';
import { PRIVILEGED_GROUP } from './rbac/escalation.js';
import type { PolicyRule } from './rbac/rules.js';
import { decodeProtobufBody } from './resources/protobuf.js';

type Obj = Record<string, unknown>;

export interface ReviewDeps {
  authorizer: Authorizer;
  rbac: RbacAuthorizer;
  authn: Authenticator;
}

async function decodeReview(req: Req): Promise<Obj> {
  const format = bodyFormat(req.headers['content-type']);
  const buf = await readBody(req);
  return asObject(format === 'protobuf' ? decodeProtobufBody(buf) : parseText(buf, format));
}

const str = (o: Obj | undefined, k: string): string => (typeof o?.[k] === 'string' ? (o[k] as string) : '');

/** The attributes a SubjectAccessReview spec asks about, or its field errors. */
function attributesOf(spec: Obj, kind: string, namespace?: string): Attributes {
  const ra = spec['resourceAttributes'] as Obj | undefined;
  const nra = spec['nonResourceAttributes'] as Obj | undefined;
  const errors: FieldError[] = [];
  if (!ra === !nra)
    errors.push(
      invalid(
        'spec.resourceAttributes',
        ra ?? null,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  if (namespace !== undefined && ra && str(ra, 'namespace') !== namespace)
    errors.push(
      invalid('spec.resourceAttributes.namespace', str(ra, 'namespace'), 'must match metadata.namespace'),
    );
  if (namespace !== undefined && nra)
    errors.push(invalid('spec.nonResourceAttributes', nra, 'disallowed on this kind of request'));
  const info = findResource('authorization.k8s.io', 'v1', `${kind.toLowerCase()}s`) ?? {
    kind,
    group: 'authorization.k8s.io',
  };
  throwIfInvalid({ ...info, kind } as Parameters<typeof throwIfInvalid>[0], '', errors);
  if (nra) return { isResourceRequest: false, verb: str(nra, 'verb'), path: str(nra, 'path') };
  return {
    isResourceRequest: true,
    verb: str(ra, 'verb'),
    group: str(ra, 'group'),
    resource: str(ra, 'resource'),
    subresource: str(ra, 'subresource'),
    name: str(ra, 'name'),
    namespace: str(ra, 'namespace'),
  };
}

function accessStatus(authz: Authorizer, user: UserInfo, a: Attributes): Obj {
  const d = authz.authorize(user, a);
  return { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
}

function resourceRules(rules: PolicyRule[]): Obj[] {
  return rules
    .filter((r) => (r.resources?.length ?? 0) > 0)
    .map((r) => ({
      verbs: r.verbs,
      apiGroups: r.apiGroups ?? [],
      resources: r.resources ?? [],
      ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
    }));
}

export async function review(
  deps: ReviewDeps,
  req: Req,
  user: UserInfo,
  group: string,
  resource: string,
  namespace: string,
): Promise<unknown> {
  const apiVersion = `${group}/v1`;
  const userInfo: Obj = { username: user.name, groups: user.groups };
  if (user.uid) userInfo['uid'] = user.uid;
  if (resource === 'selfsubjectreviews') {
    // The request carries nothing the answer depends on.
    await readBody(req);
    return {
      kind: 'SelfSubjectReview',
      apiVersion,
      metadata: { creationTimestamp: timestamp() },
      status: { userInfo },
    };
  }
  if (resource === 'selfsubjectaccessreviews') {
    const body = await decodeReview(req);
    const spec = asObject(body['spec'] ?? {});
    const status = accessStatus(deps.authorizer, user, attributesOf(spec, 'SelfSubjectAccessReview'));
    return {
      kind: 'SelfSubjectAccessReview',
      apiVersion,
      metadata: { creationTimestamp: null },
      spec,
      status,
    };
  }
  if (resource === 'subjectaccessreviews' || resource === 'localsubjectaccessreviews') {
    const local = resource === 'localsubjectaccessreviews';
    const kind = local ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
    const body = await decodeReview(req);
    const spec = asObject(body['spec'] ?? {});
    const subject: UserInfo = {
      name: str(spec, 'user'),
      groups: Array.isArray(spec['groups']) ? (spec['groups'] as unknown[]).map(String) : [],
      ...(str(spec, 'uid') ? { uid: str(spec, 'uid') } : {}),
    };
    if (!subject.name && subject.groups.length === 0)
      throwIfInvalid({ kind, group } as Parameters<typeof throwIfInvalid>[0], '', [
        required('spec.user', 'at least one of user or group must be specified'),
      ]);
    const a = attributesOf(spec, kind, local ? namespace : undefined);
    const meta = local ? { namespace, creationTimestamp: null } : { creationTimestamp: null };
    return { kind, apiVersion, metadata: meta, spec, status: accessStatus(deps.authorizer, subject, a) };
  }
  if (resource === 'selfsubjectrulesreviews') {
    const body = await decodeReview(req);
    const spec = asObject(body['spec'] ?? {});
    const masters = user.groups.includes(PRIVILEGED_GROUP);
    const rules = deps.rbac.rulesFor(user, str(spec, 'namespace'));
    if (masters)
      rules.unshift(
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      );
    return {
      kind: 'SelfSubjectRulesReview',
      apiVersion,
      metadata: { creationTimestamp: null },
      spec,
      status: {
        resourceRules: resourceRules(rules),
        nonResourceRules: rules
          .filter((r) => (r.nonResourceURLs?.length ?? 0) > 0)
          .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] })),
        incomplete: false,
      },
    };
  }
  if (resource === 'tokenreviews') return tokenReview(deps.authn, await decodeReview(req), apiVersion);
  throw Errors.pathNotFound();
}

/** TokenReview: whether spec.token authenticates, as whom and for which audiences. */
function tokenReview(authn: Authenticator, body: Obj, apiVersion: string): Obj {
  const spec = asObject(body['spec'] ?? {});
  const token = str(spec, 'token');
  if (!token) throw Errors.badRequest('token is required for TokenReview in authentication');
  const wanted = Array.isArray(spec['audiences']) ? (spec['audiences'] as unknown[]).map(String) : [];
  const r = authn.reviewToken(token, wanted);
  const status: Obj = r.authenticated
    ? {
        authenticated: true,
        user: {
          username: r.user.name,
          ...(r.user.uid ? { uid: r.user.uid } : {}),
          groups: r.user.groups,
          ...(Object.keys(r.extra).length > 0 ? { extra: r.extra } : {}),
        },
        audiences: r.audiences,
      }
    : { user: {}, ...(r.error ? { error: r.error } : {}) };
  return { kind: 'TokenReview', apiVersion, metadata: { creationTimestamp: null }, spec, status };
}
