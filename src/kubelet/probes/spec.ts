/**
 * Reads a container's probes from the pod object: which container a name refers to
 * (regular containers and restartable init containers, the only ones that may carry
 * probes), the probe's handler and its timing fields with the API defaults filled in,
 * and a container port given by number or by name. Pure: no I/O, no timers.
 */
import type { KObject } from '../../registry/types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** How the kubelet names the probe types in events and logs. */
export const KIND_TITLE: Record<ProbeKind, string> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

const FIELD: Record<ProbeKind, string> = {
  liveness: 'livenessProbe',
  readiness: 'readinessProbe',
  startup: 'startupProbe',
};

export type Obj = Record<string, unknown>;

/** An IntOrString port as the API carries it. */
export type PortRef = number | string;

export type ProbeHandler =
  | { type: 'exec'; command: string[] }
  | {
      type: 'httpGet';
      scheme: string;
      host: string;
      path: string;
      port: PortRef;
      headers: { name: string; value: string }[];
    }
  | { type: 'tcpSocket'; host: string; port: PortRef }
  | { type: 'grpc'; port: number; service: string }
  | { type: 'none' };

export interface ProbeSpec {
  handler: ProbeHandler;
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `v` when it is an integer of at least `min`, else `dflt` (the API's default). */
function int(v: unknown, dflt: number, min: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : dflt;
}

function port(v: unknown): PortRef {
  return typeof v === 'number' || typeof v === 'string' ? v : '';
}

/**
 * The containers of the pod that may have probes: the regular ones and the sidecars
 * (init containers with restartPolicy Always, which run alongside them).
 */
export function probedContainers(pod: KObject): Obj[] {
  const spec = isObj(pod['spec']) ? pod['spec'] : {};
  const regular = Array.isArray(spec['containers']) ? spec['containers'].filter(isObj) : [];
  const init = Array.isArray(spec['initContainers']) ? spec['initContainers'].filter(isObj) : [];
  return [...init.filter((c) => c['restartPolicy'] === 'Always'), ...regular];
}

/** The container of the pod named `name` that may have probes, if any. */
export function findContainer(pod: KObject, name: string): Obj | undefined {
  return probedContainers(pod).find((c) => c['name'] === name);
}

function readHandler(p: Obj): ProbeHandler {
  const exec = p['exec'];
  if (isObj(exec)) {
    const command = Array.isArray(exec['command']) ? exec['command'].map(String) : [];
    return { type: 'exec', command };
  }
  const http = p['httpGet'];
  if (isObj(http)) {
    const headers = Array.isArray(http['httpHeaders'])
      ? http['httpHeaders'].filter(isObj).map((h) => ({ name: str(h['name']), value: str(h['value']) }))
      : [];
    return {
      type: 'httpGet',
      scheme: str(http['scheme']) || 'HTTP',
      host: str(http['host']),
      path: str(http['path']),
      port: port(http['port']),
      headers,
    };
  }
  const tcp = p['tcpSocket'];
  if (isObj(tcp)) return { type: 'tcpSocket', host: str(tcp['host']), port: port(tcp['port']) };
  const grpc = p['grpc'];
  if (isObj(grpc)) {
    return {
      type: 'grpc',
      port: typeof grpc['port'] === 'number' ? grpc['port'] : 0,
      service: str(grpc['service']),
    };
  }
  return { type: 'none' };
}

/** The container's probe of `kind` with defaults applied, or undefined when it has none. */
export function readProbe(container: Obj, kind: ProbeKind): ProbeSpec | undefined {
  const p = container[FIELD[kind]];
  if (!isObj(p)) return undefined;
  return {
    handler: readHandler(p),
    initialDelaySeconds: int(p['initialDelaySeconds'], 0, 0),
    timeoutSeconds: int(p['timeoutSeconds'], 1, 1),
    periodSeconds: int(p['periodSeconds'], 10, 1),
    successThreshold: int(p['successThreshold'], 1, 1),
    failureThreshold: int(p['failureThreshold'], 3, 1),
  };
}

/** Thrown when a probe's port cannot be resolved; the message is the kubelet's. */
export class PortError extends Error {}

/**
 * The port number a probe targets: a number, the containerPort of the container's port
 * with that name, or a decimal string, as the kubelet resolves it.
 */
export function resolvePort(ref: PortRef, container: Obj): number {
  let n: number;
  if (typeof ref === 'number') {
    n = ref;
  } else {
    const ports = Array.isArray(container['ports']) ? container['ports'].filter(isObj) : [];
    const named = ports.find((p) => p['name'] === ref);
    if (named && typeof named['containerPort'] === 'number') n = named['containerPort'];
    else if (/^[+-]?\d+$/.test(ref)) n = Number(ref);
    else throw new PortError(`strconv.Atoi: parsing ${JSON.stringify(ref)}: invalid syntax`);
  }
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  throw new PortError(`invalid port number: ${n}`);
}

/** host:port as Go's net.JoinHostPort writes it (IPv6 in brackets). */
export function joinHostPort(host: string, p: number): string {
  return host.includes(':') ? `[${host}]:${p}` : `${host}:${p}`;
}
