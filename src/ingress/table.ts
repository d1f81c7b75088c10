/**
 * Building the routing table from the cluster's objects: the Ingresses this controller
 * serves (class.ts), their rules, paths and default backend resolved to endpoints
 * (backends.ts), and their TLS sections mapped to certificates from kubernetes.io/tls
 * Secrets. Where two Ingresses claim the same host and path, or both set a default
 * backend or a certificate for one host, the oldest Ingress wins (creation time, then
 * namespace/name), so adding an Ingress never steals traffic from an existing one.
 * Invalid parts are skipped and reported as problems, never thrown. Pure.
 */
import type { KObject } from '../registry/types.js';
import { type BackendSources, resolveBackend, type ServiceBackendSpec } from './backends.js';
import { type ClassSelection, isServed, selectClasses } from './class.js';
import { normalizePrefix } from './match.js';
import {
  emptyHostRoutes,
  type HostRoutes,
  type PathKind,
  type RoutingTable,
  type TlsCertificate,
} from './types.js';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface TableSources extends BackendSources {
  ingresses: KObject[];
  classes: KObject[];
  secret(namespace: string, name: string): KObject | undefined;
}

export interface BuiltTable {
  table: RoutingTable;
  /** The Ingresses served, oldest first. */
  served: KObject[];
  /** What was skipped and why, one line each (`namespace/name: ...`). */
  problems: string[];
  /** `namespace/name` of every Service and Secret the served Ingresses name, found or not. */
  services: Set<string>;
  secrets: Set<string>;
}

interface IngressBackendSpec {
  service?: ServiceBackendSpec;
  resource?: unknown;
}

interface IngressPath {
  path?: string;
  pathType?: string;
  backend?: IngressBackendSpec;
}

interface IngressRule {
  host?: string;
  http?: { paths?: IngressPath[] };
}

interface IngressTls {
  hosts?: string[];
  secretName?: string;
}

interface IngressSpec {
  defaultBackend?: IngressBackendSpec;
  rules?: IngressRule[];
  tls?: IngressTls[];
}

function key(o: KObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Oldest first; equal times by namespace/name. */
export function byAge(a: KObject, b: KObject): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = key(a);
  const kb = key(b);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

export function buildTable(
  src: TableSources,
  classes: ClassSelection = selectClasses(src.classes),
): BuiltTable {
  const table: RoutingTable = {
    hosts: new Map(),
    wildcards: new Map(),
    anyHost: emptyHostRoutes(),
    tls: new Map(),
  };
  const problems: string[] = [];
  const services = new Set<string>();
  const secrets = new Set<string>();
  const served = src.ingresses
    .filter((i) => isServed(i, classes) && !i.metadata?.deletionTimestamp)
    .sort(byAge);
  for (const ing of served) {
    const ns = ing.metadata?.namespace ?? '';
    const id = key(ing);
    const spec = (ing['spec'] ?? {}) as IngressSpec;
    const backendOf = (b: IngressBackendSpec | undefined, where: string) => {
      if (b?.service) {
        services.add(`${ns}/${b.service.name ?? ''}`);
        return resolveBackend(ns, b.service, src);
      }
      problems.push(`${id}: ${where}: ${b?.resource ? 'resource backends are not supported' : 'no backend'}`);
      return undefined;
    };
    if (spec.defaultBackend && !table.defaultBackend) {
      table.defaultBackend = backendOf(spec.defaultBackend, 'defaultBackend');
    }
    for (const rule of spec.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      const routes = host === '' ? table.anyHost : routesOf(table, host);
      for (const p of rule.http?.paths ?? []) {
        const path = p.path ?? '/';
        if (!path.startsWith('/')) {
          problems.push(`${id}: path ${JSON.stringify(path)} does not start with "/"`);
          continue;
        }
        const backend = backendOf(p.backend, `path ${path}`);
        if (!backend) continue;
        const kind: PathKind = p.pathType === 'Exact' ? 'Exact' : 'Prefix';
        addRoute(routes, kind, kind === 'Exact' ? path : normalizePrefix(path), backend, id);
      }
    }
    for (const tls of spec.tls ?? []) if (tls.secretName) secrets.add(`${ns}/${tls.secretName}`);
    addCertificates(table, ing, spec, src, problems);
  }
  for (const routes of [table.anyHost, ...table.hosts.values(), ...table.wildcards.values()]) {
    // Longest first; the sort is stable, so equal lengths keep the oldest Ingress first.
    routes.prefixes.sort((a, b) => b.path.length - a.path.length);
  }
  return { table, served, problems, services, secrets };
}

function routesOf(table: RoutingTable, host: string): HostRoutes {
  const wildcard = host.startsWith('*.');
  const map = wildcard ? table.wildcards : table.hosts;
  const name = wildcard ? host.slice(2) : host;
  let routes = map.get(name);
  if (!routes) {
    routes = emptyHostRoutes();
    map.set(name, routes);
  }
  return routes;
}

function addRoute(
  routes: HostRoutes,
  kind: PathKind,
  path: string,
  backend: NonNullable<RoutingTable['defaultBackend']>,
  ingress: string,
): void {
  if (kind === 'Exact') {
    if (!routes.exact.has(path)) routes.exact.set(path, { path, kind, backend, ingress });
    return;
  }
  if (!routes.prefixes.some((r) => r.path === path)) routes.prefixes.push({ path, kind, backend, ingress });
}

function decode(b64: unknown): string | undefined {
  if (typeof b64 !== 'string' || b64 === '') return undefined;
  try {
    return atob(b64);
  } catch {
    return undefined;
  }
}

function addCertificates(
  table: RoutingTable,
  ing: KObject,
  spec: IngressSpec,
  src: TableSources,
  problems: string[],
): void {
  const ns = ing.metadata?.namespace ?? '';
  const id = key(ing);
  const ruleHosts = (spec.rules ?? []).map((r) => (r.host ?? '').toLowerCase()).filter((h) => h !== '');
  for (const tls of spec.tls ?? []) {
    if (!tls.secretName) continue;
    const secret = src.secret(ns, tls.secretName);
    let cert: TlsCertificate | undefined;
    if (!secret) {
      problems.push(`${id}: TLS secret ${ns}/${tls.secretName} not found`);
    } else if (secret['type'] !== TLS_SECRET_TYPE) {
      problems.push(`${id}: secret ${ns}/${tls.secretName} is not of type ${TLS_SECRET_TYPE}`);
    } else {
      const data = (secret['data'] ?? {}) as Record<string, unknown>;
      const certPem = decode(data['tls.crt']);
      const keyPem = decode(data['tls.key']);
      if (!certPem || !keyPem)
        problems.push(`${id}: secret ${ns}/${tls.secretName} lacks tls.crt or tls.key`);
      else
        cert = { id: `${ns}/${tls.secretName}@${secret.metadata?.resourceVersion ?? ''}`, certPem, keyPem };
    }
    if (!cert) continue;
    const hosts = tls.hosts && tls.hosts.length > 0 ? tls.hosts.map((h) => h.toLowerCase()) : ruleHosts;
    for (const h of hosts) if (!table.tls.has(h)) table.tls.set(h, cert);
  }
}
