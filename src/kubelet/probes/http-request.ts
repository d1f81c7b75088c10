/**
 * Builds the request of an httpGet probe as the kubelet does: scheme (lowercased, `http`
 * by default), host (the pod IP by default), the resolved port, the path (with its query),
 * the probe's headers under canonical names plus `User-Agent: kube-probe/1.32` and
 * `Accept: *\/*` unless the probe sets them (an empty Accept removes it), and a `Host`
 * header taken out of the list to become the request's host. Pure: sends nothing.
 */
import { joinHostPort, type Obj, type ProbeHandler, resolvePort } from './spec.js';

export const PROBE_USER_AGENT = 'kube-probe/1.32';

export interface HttpProbeRequest {
  url: URL;
  /** Header name (canonical) -> values, in the order given; never `Host`. */
  headers: Map<string, string[]>;
  /** The Host header to send instead of the URL's host, when the probe sets one. */
  hostHeader: string;
}

/** Header names as Go's textproto canonicalises them: `content-type` -> `Content-Type`. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('-');
}

/** The URL of `scheme://host:port` + `path`; a path without a leading slash gets one. */
export function probeUrl(scheme: string, host: string, port: number, path: string): URL {
  const url = new URL(`${scheme}://${joinHostPort(host, port)}/`);
  const hash = path.indexOf('#');
  const noHash = hash >= 0 ? path.slice(0, hash) : path;
  const q = noHash.indexOf('?');
  const pathname = q >= 0 ? noHash.slice(0, q) : noHash;
  url.pathname = pathname.startsWith('/') ? pathname : `/${pathname}`;
  if (q >= 0) url.search = noHash.slice(q);
  return url;
}

/** Throws PortError when the port cannot be resolved. */
export function buildHttpRequest(
  handler: Extract<ProbeHandler, { type: 'httpGet' }>,
  container: Obj,
  podIP: string,
): HttpProbeRequest {
  const scheme = (handler.scheme || 'http').toLowerCase();
  const host = handler.host || podIP;
  const port = resolvePort(handler.port, container);
  const url = probeUrl(scheme, host, port, handler.path);
  const headers = new Map<string, string[]>();
  for (const h of handler.headers) {
    const key = canonicalHeaderKey(h.name);
    const values = headers.get(key) ?? [];
    values.push(h.value);
    headers.set(key, values);
  }
  if (!headers.has('User-Agent')) headers.set('User-Agent', [PROBE_USER_AGENT]);
  const accept = headers.get('Accept');
  if (!accept) headers.set('Accept', ['*/*']);
  else if (accept[0] === '') headers.delete('Accept');
  const hostHeader = headers.get('Host')?.[0] ?? '';
  headers.delete('Host');
  return { url, headers, hostHeader };
}
