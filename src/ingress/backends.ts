/**
 * Resolving an Ingress backend (Service name + port number or name) to the endpoints that
 * may serve it: the Service port is found by number or name, then every EndpointSlice of
 * the Service (label `kubernetes.io/service-name`) gives its ready endpoints (a missing
 * `ready` condition counts as ready, per the EndpointSlice API) on the slice port that
 * carries the Service port's name. Addresses are de-duplicated across slices. A missing
 * Service, port or slice yields no endpoints (the proxy answers 503). Pure.
 */
import type { KObject } from '../registry/types.js';
import type { Backend, Endpoint } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What backends are resolved against: lookups into the informer caches. */
export interface BackendSources {
  service(namespace: string, name: string): KObject | undefined;
  /** The EndpointSlices labelled with the Service's name in `namespace`. */
  slices(namespace: string, service: string): KObject[];
}

export interface ServiceBackendSpec {
  name?: string;
  port?: { name?: string; number?: number };
}

interface ServicePort {
  name?: string;
  port?: number;
}

interface SlicePort {
  name?: string | null;
  port?: number | null;
}

interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null };
}

/** `namespace/service:port`, the identity of a backend across table versions. */
export function backendKey(namespace: string, spec: ServiceBackendSpec): string {
  const port = spec.port?.number ?? spec.port?.name ?? '';
  return `${namespace}/${spec.name ?? ''}:${port}`;
}

export function resolveBackend(namespace: string, spec: ServiceBackendSpec, src: BackendSources): Backend {
  const key = backendKey(namespace, spec);
  const none: Backend = { key, endpoints: [] };
  if (!spec.name) return none;
  const svc = src.service(namespace, spec.name);
  if (!svc) return none;
  const svcSpec = (svc['spec'] ?? {}) as { type?: string; ports?: ServicePort[] };
  if (svcSpec.type === 'ExternalName') return none;
  const wanted = spec.port ?? {};
  const svcPort = (svcSpec.ports ?? []).find((p) =>
    wanted.number !== undefined
      ? p.port === wanted.number
      : wanted.name !== undefined && p.name === wanted.name,
  );
  if (!svcPort) return none;
  const portName = svcPort.name ?? '';
  const seen = new Set<string>();
  const endpoints: Endpoint[] = [];
  for (const slice of src.slices(namespace, spec.name)) {
    const ports = (slice['ports'] ?? []) as SlicePort[];
    const port = ports.find((p) => (p.name ?? '') === portName)?.port;
    if (typeof port !== 'number' || port <= 0) continue;
    for (const ep of (slice['endpoints'] ?? []) as SliceEndpoint[]) {
      if (ep.conditions?.ready === false) continue;
      for (const host of ep.addresses ?? []) {
        const id = `${host}|${port}`;
        if (seen.has(id)) continue;
        seen.add(id);
        endpoints.push({ host, port });
      }
    }
  }
  // A stable order, so a rebuild that changes nothing keeps the round-robin sequence.
  endpoints.sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
  return { key, endpoints };
}
