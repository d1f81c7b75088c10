/**
 * Service link variables, as the kubelet injects them: for each service with a cluster
 * IP, `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT` (first port), `<NAME>_SERVICE_PORT_<PORT
 * NAME>` (named ports) and the Docker link style `<NAME>_PORT`, `<NAME>_PORT_<n>_<PROTO>`
 * (+ `_PROTO`, `_PORT`, `_ADDR`). The `kubernetes` service of `default` is always
 * included; the other services of the pod's namespace only when service links are
 * enabled, and a same-named service there wins over `default/kubernetes`. Pure.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

const MASTER_SERVICES = new Set(['kubernetes']);

function envName(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

function clusterIP(svc: KObject): string {
  const ip = ((svc['spec'] ?? {}) as Obj)['clusterIP'];
  return typeof ip === 'string' && ip !== 'None' ? ip : '';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The variables of the given services, in their order. */
export function fromServices(services: KObject[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    const ip = clusterIP(svc);
    const ports = (((svc['spec'] ?? {}) as Obj)['ports'] ?? []) as Obj[];
    if (ip === '' || !Array.isArray(ports) || ports.length === 0) continue;
    const prefix = envName(svc.metadata?.name ?? '');
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    const portVar = `${prefix}_SERVICE_PORT`;
    out.push([portVar, String(ports[0]!['port'])]);
    for (const p of ports) {
      if (typeof p['name'] === 'string' && p['name'] !== '') {
        out.push([`${portVar}_${envName(p['name'])}`, String(p['port'])]);
      }
    }
    ports.forEach((p, i) => {
      const protocol = typeof p['protocol'] === 'string' && p['protocol'] !== '' ? p['protocol'] : 'TCP';
      const port = Number(p['port']);
      const url = `${protocol.toLowerCase()}://${joinHostPort(ip, port)}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const pp = `${prefix}_PORT_${port}_${protocol.toUpperCase()}`;
      out.push(
        [pp, url],
        [`${pp}_PROTO`, protocol.toLowerCase()],
        [`${pp}_PORT`, String(port)],
        [`${pp}_ADDR`, ip],
      );
    });
  }
  return out;
}

/**
 * The service variables a pod in `namespace` sees, from the services of `default`
 * and of `namespace`.
 */
export function serviceEnvMap(
  namespace: string,
  enableServiceLinks: boolean,
  defaultServices: KObject[],
  namespaceServices: KObject[],
): Map<string, string> {
  const chosen = new Map<string, KObject>();
  for (const svc of defaultServices) {
    const name = svc.metadata?.name ?? '';
    if (clusterIP(svc) !== '' && MASTER_SERVICES.has(name)) chosen.set(name, svc);
  }
  if (enableServiceLinks) {
    for (const svc of namespace === 'default' ? defaultServices : namespaceServices) {
      if (clusterIP(svc) !== '') chosen.set(svc.metadata?.name ?? '', svc);
    }
  }
  const sorted = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return new Map(fromServices(sorted));
}
