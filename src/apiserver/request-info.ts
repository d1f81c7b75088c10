/**
 * Parses a request path and method into what is being asked for: the API group, version,
 * namespace, resource, name, subresource and verb, as the Kubernetes API lays out its
 * paths. Pure: no I/O, no knowledge of which resources exist.
 */
import type { NonResourceAttributes, ResourceAttributes } from './auth/attributes.js';

export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'connect';

/** A request for a resource: its authorization attributes and the rest of its path. */
export interface ResourceRequest extends ResourceAttributes {
  verb: RequestVerb;
  apiPrefix: 'api' | 'apis';
  version: string;
  /** Path segments after the subresource (e.g. a proxy path). */
  rest: string[];
}

export type NonResourceRequest = NonResourceAttributes;

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Subresources of a namespace addressed as /namespaces/{name}/{sub}. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const lower = method.toLowerCase();
  const parts = pathname.split('/').filter((p) => p !== '');
  const prefix = parts[0];
  const nonResource = (): NonResourceRequest => ({ isResourceRequest: false, verb: lower, path: pathname });
  if (prefix !== 'api' && prefix !== 'apis') return nonResource();
  let rest = parts.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (rest.length < 2) return nonResource();
    group = rest[0]!;
    rest = rest.slice(1);
  } else if (rest.length < 1) {
    return nonResource();
  }
  const version = rest[0]!;
  rest = rest.slice(1);
  if (rest.length === 0) return nonResource();

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = decodeURIComponent(rest[1]!);
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] !== undefined ? decodeURIComponent(rest[1]) : '';
  const subresource = rest[2] ?? '';
  const tail = rest.slice(3);

  let verb: RequestVerb;
  switch (lower) {
    case 'post':
      verb = CONNECT_SUBRESOURCES.has(subresource) ? 'connect' : 'create';
      break;
    case 'get':
    case 'head':
      if (CONNECT_SUBRESOURCES.has(subresource)) verb = 'connect';
      else if (watchPrefix || isTrue(query.get('watch'))) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    case 'put':
      verb = 'update';
      break;
    case 'patch':
      verb = 'patch';
      break;
    case 'delete':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = CONNECT_SUBRESOURCES.has(subresource) ? 'connect' : (lower as RequestVerb);
  }
  return {
    isResourceRequest: true,
    verb,
    apiPrefix: prefix,
    group,
    version,
    namespace,
    resource,
    subresource,
    name,
    rest: tail,
  };
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}
