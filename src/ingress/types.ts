/**
 * The ingress controller's routing table and its names: what the proxy consults for every
 * request (host -> path -> backend endpoints) and for every TLS handshake (server name ->
 * certificate). A table is an immutable value built by table.ts and swapped whole, so a
 * request or handshake always sees one consistent version. Pure: no `node:` imports.
 */

/** The IngressClass this controller ensures, and the controller value it answers to. */
export const CLASS_NAME = 'k8ts';
export const CONTROLLER_NAME = 'k8ts.io/ingress';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The deprecated per-Ingress class annotation, still honoured. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** One address a backend request may go to. */
export interface Endpoint {
  host: string;
  port: number;
}

/** A resolved backend: where requests for one Service port go. */
export interface Backend {
  /** Identity across table versions (`namespace/service:port`), the round-robin key. */
  key: string;
  /** Ready endpoints; empty means 503. */
  endpoints: Endpoint[];
}

/** Exact matches the whole path; Prefix matches whole path elements (ImplementationSpecific is Prefix). */
export type PathKind = 'Exact' | 'Prefix';

export interface Route {
  /** For Prefix, without trailing slashes ("/" stays "/"). */
  path: string;
  kind: PathKind;
  backend: Backend;
  /** `namespace/name` of the Ingress that declared it. */
  ingress: string;
}

/** The paths of one host: exact paths by path, prefixes longest first. */
export interface HostRoutes {
  exact: Map<string, Route>;
  prefixes: Route[];
}

/** A certificate and key from a kubernetes.io/tls Secret. */
export interface TlsCertificate {
  /** `namespace/name@resourceVersion`: a changed Secret has a new id. */
  id: string;
  certPem: string;
  keyPem: string;
}

export interface RoutingTable {
  /** Routes of exact host names (lower case). */
  hosts: Map<string, HostRoutes>;
  /** Routes of wildcard hosts `*.example.com`, keyed by the part after `*.`. */
  wildcards: Map<string, HostRoutes>;
  /** Routes of rules without a host: they apply to every host. */
  anyHost: HostRoutes;
  /** The backend for requests no rule matches (spec.defaultBackend of the oldest Ingress with one). */
  defaultBackend?: Backend | undefined;
  /** Certificates by exact host name or `*.suffix`. */
  tls: Map<string, TlsCertificate>;
}

export function emptyHostRoutes(): HostRoutes {
  return { exact: new Map(), prefixes: [] };
}

export function emptyTable(): RoutingTable {
  return { hosts: new Map(), wildcards: new Map(), anyHost: emptyHostRoutes(), tls: new Map() };
}
