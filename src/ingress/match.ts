/**
 * Request matching against a routing table, as the Ingress API specifies: a host rule
 * matches its exact name, a wildcard `*.example.com` matches exactly one more label
 * (`a.example.com`, not `example.com` nor `a.b.example.com`), and rules without a host
 * match every host. Within a host, the longest matching path wins and an Exact path beats
 * a Prefix of the same length; a Prefix matches whole path elements (`/foo` matches `/foo`,
 * `/foo/` and `/foo/bar`, not `/foobar`). When the host's own rules have no matching path,
 * the wildcard rules and then the host-less rules are tried (as Traefik does), and last
 * the default backend. Pure.
 */
import type { Backend, HostRoutes, Route, RoutingTable, TlsCertificate } from './types.js';

/** A request's host without port, brackets or trailing dot, in lower case. */
export function normalizeHost(raw: string | undefined): string {
  if (!raw) return '';
  let h = raw.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(1, end) : h.slice(1);
  } else {
    const colon = h.indexOf(':');
    // A second colon means a bare IPv6 address, which has no port.
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.slice(0, colon);
  }
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * The path of a request target (origin form `/a/b?q`, or absolute form
 * `http://host/a/b?q`, whose host then overrides the Host header). Query and fragment are
 * not part of the path.
 */
export function splitTarget(target: string): { path: string; host?: string } {
  if (!target.startsWith('/')) {
    try {
      const u = new URL(target);
      return { path: u.pathname || '/', host: u.host };
    } catch {
      return { path: '/' };
    }
  }
  let end = target.length;
  for (const c of ['?', '#']) {
    const i = target.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  return { path: target.slice(0, end) };
}

/** Whether Prefix `prefix` (normalized: no trailing slash unless "/") matches `path` element-wise. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** A Prefix path without its trailing slashes ("/" for the root). */
export function normalizePrefix(path: string): string {
  let p = path;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p || '/';
}

/** The route of `path` among one host's routes: an exact hit, or the longest prefix. */
export function matchPath(routes: HostRoutes, path: string): Route | undefined {
  const exact = routes.exact.get(path);
  // An exact hit is as long as the path itself, so no prefix can be longer.
  if (exact) return exact;
  for (const r of routes.prefixes) if (prefixMatches(r.path, path)) return r;
  return undefined;
}

function wildcardOf(table: RoutingTable, host: string): HostRoutes | undefined {
  const dot = host.indexOf('.');
  return dot > 0 ? table.wildcards.get(host.slice(dot + 1)) : undefined;
}

export interface Match {
  backend: Backend;
  /** The rule path that matched; absent when the default backend answers. */
  route?: Route;
}

/** Where a request for `host` (normalized) and `path` goes, or undefined for a 404. */
export function lookup(table: RoutingTable, host: string, path: string): Match | undefined {
  for (const routes of [table.hosts.get(host), wildcardOf(table, host), table.anyHost]) {
    if (!routes) continue;
    const route = matchPath(routes, path);
    if (route) return { backend: route.backend, route };
  }
  return table.defaultBackend ? { backend: table.defaultBackend } : undefined;
}

/** The certificate for a TLS server name: an exact host, else a covering wildcard. */
export function certificateFor(table: RoutingTable, serverName: string): TlsCertificate | undefined {
  const host = normalizeHost(serverName);
  const exact = table.tls.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  return dot > 0 ? table.tls.get(`*.${host.slice(dot + 1)}`) : undefined;
}
