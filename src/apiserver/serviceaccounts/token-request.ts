/**
 * serviceaccounts/token (authentication.k8s.io/v1 TokenRequest, what `kubectl create
 * token` posts): issues a signed token for an existing ServiceAccount, optionally bound to
 * a Pod or Secret that must exist (and match boundObjectRef.uid when given). Expiration
 * defaults to one hour and may not be under ten minutes (422, as upstream). A dry run
 * answers without a token. Nothing is stored.
 */
import { type ApiError, Errors } from '../errors.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from '../resources/context.js';
import { decodeObject } from '../resources/decode.js';
import { type IssueRequest, issuerOf, type Ref } from './issuer.js';

type Obj = Record<string, unknown>;

const DEFAULT_EXPIRATION = 3600;
const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;
const KIND = 'TokenRequest';
const GROUP = 'authentication.k8s.io';

function invalid(name: string, field: string, value: unknown, why: string): ApiError {
  const detail = `${field}: Invalid value: ${JSON.stringify(value)}: ${why}`;
  return Errors.invalid(
    KIND,
    GROUP,
    name,
    [{ type: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` }],
    `${KIND}.${GROUP} "${name}" is invalid: ${detail}`,
  );
}

export async function requestToken(call: ResourceCall): Promise<void> {
  const { info, store, registry } = call;
  const issuer = issuerOf(registry);
  if (!issuer) throw Errors.pathNotFound();
  const name = info.name;
  const ns = info.namespace;
  const body = await decodeObject(call, KIND, `${GROUP}/v1`);
  const meta = body.metadata ?? {};
  if (meta.name && meta.name !== name)
    throw invalid(name, 'metadata.name', meta.name, 'must match the service account name if specified');
  if (meta.namespace && meta.namespace !== ns)
    throw invalid(
      name,
      'metadata.namespace',
      meta.namespace,
      'must match the service account namespace if specified',
    );
  const spec = { ...((body['spec'] ?? {}) as Obj) };
  const exp = spec['expirationSeconds'] ?? DEFAULT_EXPIRATION;
  if (typeof exp !== 'number' || !Number.isInteger(exp))
    throw invalid(name, 'spec.expirationSeconds', exp, 'must be an integer');
  if (exp < MIN_EXPIRATION)
    throw invalid(name, 'spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes');
  if (exp > MAX_EXPIRATION)
    throw invalid(name, 'spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds');
  const audiences = spec['audiences'] ?? [];
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string' || a === ''))
    throw invalid(name, 'spec.audiences', audiences, 'must be a list of non-empty strings');

  const sa = await store.get(ns, name);
  const req: IssueRequest = {
    namespace: ns,
    serviceAccount: { name, uid: sa.metadata?.uid ?? '' },
    audiences: audiences.length > 0 ? (audiences as string[]) : issuer.audiences,
    expirationSeconds: exp,
  };
  const ref = spec['boundObjectRef'] as Obj | undefined;
  if (ref) await bind(call, ref, req);

  const out: Obj = {
    kind: KIND,
    apiVersion: `${GROUP}/v1`,
    metadata: {
      name,
      namespace: ns,
      creationTimestamp: new Date(call.now).toISOString().replace(/\.\d+Z$/, 'Z'),
    },
    spec: { ...spec, audiences: req.audiences, expirationSeconds: exp },
    status: { token: '', expirationTimestamp: null },
  };
  if (!call.ctx.dryRun) {
    const { token, expires } = issuer.issue(req);
    out['status'] = { token, expirationTimestamp: expires.toISOString().replace(/\.\d+Z$/, 'Z') };
  }
  writeJson(call.res, 201, out);
}

/** Fills the pod (and its node) or secret the token is bound to into `req`. */
async function bind(call: ResourceCall, ref: Obj, req: IssueRequest): Promise<void> {
  const kind = String(ref['kind'] ?? '');
  const apiVersion = String(ref['apiVersion'] ?? 'v1');
  const refName = String(ref['name'] ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group !== '' || (kind !== 'Pod' && kind !== 'Secret'))
    throw Errors.badRequest(`cannot bind token to object of type ${apiVersion}, Kind=${kind}`);
  if (refName === '')
    throw Errors.invalid(
      KIND,
      GROUP,
      call.info.name,
      [{ type: 'FieldValueRequired', field: 'spec.boundObjectRef.name', message: 'Required value' }],
      `${KIND}.${GROUP} "${call.info.name}" is invalid: spec.boundObjectRef.name: Required value`,
    );
  const plural = kind === 'Pod' ? 'pods' : 'secrets';
  const target = call.registry.get('', 'v1', plural);
  if (!target) throw Errors.internal(`no ${plural} store`);
  const obj = await target.get(req.namespace, refName);
  const bound: Ref = { name: refName, uid: obj.metadata?.uid ?? '' };
  const wantUid = typeof ref['uid'] === 'string' ? ref['uid'] : '';
  if (wantUid !== '' && wantUid !== bound.uid)
    throw Errors.conflict(
      { group: '', resource: kind },
      refName,
      `the UID in the bound object reference (${wantUid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  if (kind === 'Secret') {
    req.secret = bound;
    return;
  }
  const podSpec = (obj['spec'] ?? {}) as Obj;
  const podSa = String(podSpec['serviceAccountName'] || 'default');
  if (podSa !== req.serviceAccount.name)
    throw Errors.badRequest(
      `cannot bind token for serviceaccount "${req.serviceAccount.name}" to pod running with different serviceaccount name.`,
    );
  req.pod = bound;
  const nodeName = typeof podSpec['nodeName'] === 'string' ? podSpec['nodeName'] : '';
  if (nodeName !== '') {
    const nodes = call.registry.get('', 'v1', 'nodes');
    const node = nodes?.cache.objects.get(nodes.key('', nodeName));
    if (node?.metadata?.uid) req.node = { name: nodeName, uid: node.metadata.uid };
  }
}
