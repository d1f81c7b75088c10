/**
 * Review resources, answered and never stored: SelfSubjectReview (`kubectl auth whoami`)
 * and SelfSubjectAccessReview (`kubectl auth can-i`).
 */

import { timestamp } from '../registry/generic/meta.js';
import type { UserInfo } from '../registry/types.js';
import { isAllowed } from './auth/authorize.js';
import { Errors } from './errors.js';
import { asObject, bodyFormat, parseText, readBody } from './http/body.js';
import type { Req } from './http/types.js';
import { decodeProtobufBody } from './resources/protobuf.js';

async function decodeReview(req: Req): Promise<Record<string, unknown>> {
  const format = bodyFormat(req.headers['content-type']);
  const buf = await readBody(req);
  return asObject(format === 'protobuf' ? decodeProtobufBody(buf) : parseText(buf, format));
}

export async function review(req: Req, user: UserInfo, group: string, resource: string): Promise<unknown> {
  const apiVersion = `${group}/v1`;
  const userInfo: Record<string, unknown> = { username: user.name, groups: user.groups };
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
    const spec = (body['spec'] ?? {}) as Record<string, Record<string, string> | undefined>;
    const ra = spec['resourceAttributes'];
    const allowed = isAllowed(user, {
      isResourceRequest: true,
      verb: (ra?.['verb'] ?? 'get') as 'get',
      apiPrefix: 'apis',
      group: ra?.['group'] ?? '',
      version: ra?.['version'] ?? '',
      namespace: ra?.['namespace'] ?? '',
      resource: ra?.['resource'] ?? '',
      subresource: ra?.['subresource'] ?? '',
      name: ra?.['name'] ?? '',
      rest: [],
    });
    return {
      kind: 'SelfSubjectAccessReview',
      apiVersion,
      metadata: { creationTimestamp: null },
      spec: body['spec'] ?? {},
      status: { allowed, ...(allowed ? { reason: 'the user is in group system:masters' } : {}) },
    };
  }
  if (resource === 'selfsubjectrulesreviews') {
    const body = await decodeReview(req);
    const masters = user.groups.includes('system:masters');
    return {
      kind: 'SelfSubjectRulesReview',
      apiVersion,
      metadata: { creationTimestamp: null },
      spec: body['spec'] ?? {},
      status: {
        resourceRules: masters ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] : [],
        nonResourceRules: masters ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : [],
        incomplete: false,
      },
    };
  }
  throw Errors.pathNotFound();
}
