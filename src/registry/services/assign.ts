/**
 * Fills the address fields of a Service being written, as kube-apiserver's Service REST
 * storage does: a ClusterIP on create (or when the type leaves ExternalName), NodePorts for
 * NodePort and LoadBalancer ports (unless allocateLoadBalancerNodePorts is false), and a
 * health-check NodePort for LoadBalancers with externalTrafficPolicy Local. Explicit
 * values are honoured when inside the range and free; every value taken is reserved in the
 * given Reservation. Errors carry upstream's Status: 422 Invalid for a requested value that
 * cannot be had, 500 InternalError when a range is full.
 * Mutates only the object handed in; no I/O.
 */
import {
  type FieldError,
  formatInvalidMessage,
  invalid,
  toStatusCauses,
} from '../../api/validation/index.js';
import { type ApiError, Errors } from '../../apiserver/errors.js';
import type { KObject } from '../types.js';
import type { ServiceRanges } from './config.js';
import {
  clusterIPOf,
  clusterIPsOf,
  healthCheckNodePortOf,
  isHeadless,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  type Obj,
  portNumber,
  portsOf,
  shouldAllocateNodePorts,
  specOf,
} from './fields.js';
import type { Pool, Reservation } from './pool.js';
import { familyOf } from './validation.js';

export interface AssignEnv {
  ranges: ServiceRanges;
  ips: Pool;
  ports: Pool;
  reservation: Reservation;
}

const FULL = 'range is full';
const ALLOCATED_PORT = 'provided port is already allocated';

export function invalidService(svc: KObject, errors: FieldError[]): ApiError {
  const name = svc.metadata?.name ?? '';
  return Errors.invalid(
    'Service',
    '',
    name,
    toStatusCauses(errors),
    formatInvalidMessage('Service', name, errors),
  );
}

/** Requests this single-stack IPv4 cluster cannot serve (checked before allocating). */
export function familyErrors(svc: KObject): FieldError[] {
  if (!needsClusterIP(svc) || isHeadless(svc)) return [];
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  if (spec['ipFamilyPolicy'] === 'RequireDualStack') {
    errs.push(
      invalid(
        'spec.ipFamilyPolicy',
        'RequireDualStack',
        'this cluster is not configured for dual-stack services',
      ),
    );
  }
  const families = Array.isArray(spec['ipFamilies']) ? (spec['ipFamilies'] as unknown[]) : [];
  families.forEach((f, i) => {
    if (f === 'IPv6') errs.push(invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  const ips = clusterIPsOf(svc);
  ips.forEach((ip, i) => {
    const fam = familyOf(ip);
    if (i >= families.length && fam === 'IPv6') {
      errs.push(invalid(`spec.clusterIPs[${i}]`, ips, `${fam} is not configured on this cluster`));
    }
  });
  return errs;
}

/** Allocates what `svc` needs that `old` (the stored object, on update) did not already hold. */
export function assignAddresses(svc: KObject, old: KObject | undefined, env: AssignEnv): void {
  assignClusterIP(svc, old, env);
  assignNodePorts(svc, old, env);
  assignHealthCheckNodePort(svc, old, env);
}

function hasClusterIP(svc: KObject): boolean {
  return clusterIPsOf(svc).length > 0 || clusterIPOf(svc) !== '';
}

function assignClusterIP(svc: KObject, old: KObject | undefined, env: AssignEnv): void {
  if (!needsClusterIP(svc) || isHeadless(svc)) return;
  // An update keeps the address it has (validation refuses a change); only a Service
  // leaving ExternalName, or one stored without an address, gets one.
  if (old && needsClusterIP(old) && hasClusterIP(old)) return;
  const ips = clusterIPsOf(svc);
  const requested = ips[0] ?? '';
  const { ranges, reservation } = env;
  let ip: string;
  if (requested === '') {
    const offset = reservation.claimNext(env.ips);
    if (offset === undefined) throw Errors.internal(`failed to allocate a serviceIP: ${FULL}`);
    ip = ranges.ips.ipAt(offset);
  } else {
    const offset = ranges.ips.offsetOf(requested);
    const why =
      offset === undefined
        ? `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${ranges.ips.cidr}`
        : reservation.claim(env.ips, offset)
          ? undefined
          : 'provided IP is already allocated';
    if (why) {
      throw invalidService(svc, [
        invalid('spec.clusterIPs', ips, `failed to allocate IP ${requested}: ${why}`),
      ]);
    }
    ip = requested;
  }
  const spec = specOf(svc);
  spec['clusterIP'] = ip;
  spec['clusterIPs'] = [ip, ...ips.slice(1)];
}

/** Reserves an explicit NodePort; returns why it cannot be had, or undefined. */
function claimPort(port: number, env: AssignEnv): string | undefined {
  const offset = env.ranges.ports.offsetOf(port);
  if (offset === undefined) {
    return `provided port is not in the valid range. The range of valid ports is ${env.ranges.ports.text}`;
  }
  return env.reservation.claim(env.ports, offset) ? undefined : ALLOCATED_PORT;
}

function claimNextPort(env: AssignEnv): number | undefined {
  const offset = env.reservation.claimNext(env.ports);
  return offset === undefined ? undefined : env.ranges.ports.portAt(offset);
}

function assignNodePorts(svc: KObject, old: KObject | undefined, env: AssignEnv): void {
  if (!needsNodePort(svc)) return;
  const ports = portsOf(svc);
  // Values this Service already has, or took earlier in this request, are shared by its
  // ports (two ports with one number and different protocols, e.g. DNS on TCP and UDP).
  const own = new Set(old ? portsOf(old).map((p) => portNumber(p['nodePort'])) : []);
  own.delete(0);
  const byPort = new Map<unknown, number>();
  const allocate = shouldAllocateNodePorts(svc);
  ports.forEach((p: Obj, i) => {
    let np = portNumber(p['nodePort']);
    if (np === 0 && !allocate) return;
    if (np === 0) np = byPort.get(p['port']) ?? requestedFor(p['port'], ports);
    if (np === 0) {
      const next = claimNextPort(env);
      if (next === undefined) throw Errors.internal(`failed to allocate a nodePort: ${FULL}`);
      np = next;
    } else if (!own.has(np)) {
      const why = claimPort(np, env);
      if (why) throw invalidService(svc, [invalid(`spec.ports[${i}].nodePort`, np, why)]);
    }
    own.add(np);
    if (!byPort.has(p['port'])) byPort.set(p['port'], np);
    p['nodePort'] = np;
  });
}

/** The nodePort another port with the same number asks for, or 0. */
function requestedFor(port: unknown, ports: Obj[]): number {
  for (const p of ports)
    if (p['port'] === port && portNumber(p['nodePort'])) return portNumber(p['nodePort']);
  return 0;
}

function assignHealthCheckNodePort(svc: KObject, old: KObject | undefined, env: AssignEnv): void {
  if (!needsHealthCheck(svc)) return;
  if (old && needsHealthCheck(old) && healthCheckNodePortOf(old) !== 0) return;
  const requested = healthCheckNodePortOf(svc);
  if (requested !== 0) {
    const why = claimPort(requested, env);
    if (why) throw Errors.internal(`failed to allocate requested HealthCheck NodePort ${requested}: ${why}`);
    return;
  }
  const next = claimNextPort(env);
  if (next === undefined) throw Errors.internal(`failed to allocate a HealthCheck NodePort 0: ${FULL}`);
  specOf(svc)['healthCheckNodePort'] = next;
}
