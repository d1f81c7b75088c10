/**
 * What a simulated node reports: its Node object on registration, its status (capacity,
 * allocatable, conditions with heartbeat times, addresses, nodeInfo) and its Lease; and
 * whether the status in the API differs enough from what it would report to need a write.
 * Pure: the caller supplies the clock and the current objects.
 */

import type { KObject } from '../../registry/types.js';
import { type NodeCondition, nodeConditions } from '../common/conditions.js';
import type { NodeShape } from './config.js';
import { stableHex, uuidFrom } from './hash.js';
import { microTime, rfc3339 } from './time.js';

export const KUBELET_VERSION = 'v1.32.0-k8ts-sim';
export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

type Obj = Record<string, unknown>;

export interface SimNodeIdentity {
  name: string;
  index: number;
  internalIP: string;
  podCIDR: string;
}

export function nodeLabels(name: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    type: 'simulated',
  };
}

const CONDITIONS: NodeCondition[] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * The status the node reports at `now`. A condition keeps its lastTransitionTime from
 * `current` when its status is unchanged.
 */
export function nodeStatus(
  id: SimNodeIdentity,
  shape: NodeShape,
  bootSeed: string,
  now: number,
  current?: KObject,
): Obj {
  const prev = ((current?.['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  const ts = rfc3339(now);
  const resources = {
    cpu: shape.cpu,
    'ephemeral-storage': shape.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: shape.memory,
    pods: String(shape.pods),
  };
  const machine = stableHex(`machine/${id.name}`);
  return {
    capacity: resources,
    allocatable: { ...resources },
    conditions: nodeConditions(CONDITIONS, prev, ts),
    addresses: [
      { type: 'InternalIP', address: id.internalIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: machine,
      systemUUID: uuidFrom(machine),
      bootID: uuidFrom(stableHex(`boot/${id.name}/${bootSeed}`)),
      kernelVersion: '6.1.0-k8ts-sim',
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: 'sim://1.0.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node to create when registering. */
export function nodeObject(id: SimNodeIdentity, shape: NodeShape, bootSeed: string, now: number): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: nodeLabels(id.name),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] },
    status: nodeStatus(id, shape, bootSeed, now),
  };
}

/** The pod range a Node already has (set by whoever created it), if any. */
export function existingPodCIDR(node: KObject | undefined): string | undefined {
  const cidr = (node?.['spec'] as Obj | undefined)?.['podCIDR'];
  return typeof cidr === 'string' && cidr !== '' ? cidr : undefined;
}

function withoutTimes(status: Obj | undefined): unknown {
  if (!status) return undefined;
  const conds = ((status['conditions'] as Obj[] | undefined) ?? []).map((c) => [
    c['type'],
    c['status'],
    c['reason'],
  ]);
  return { ...status, conditions: conds.sort() };
}

/**
 * True when `current` (the Node in the API) must be written: it reports something else
 * than `desired` apart from heartbeat times, or its last report is `reportEveryMs` old.
 */
export function statusNeedsUpdate(
  current: KObject,
  desired: Obj,
  now: number,
  reportEveryMs: number,
): boolean {
  const status = current['status'] as Obj | undefined;
  const ready = ((status?.['conditions'] as Obj[] | undefined) ?? []).find((c) => c['type'] === 'Ready');
  const beat = Date.parse(String(ready?.['lastHeartbeatTime'] ?? ''));
  if (Number.isNaN(beat) || now - beat >= reportEveryMs) return true;
  return JSON.stringify(canonical(withoutTimes(status))) !== JSON.stringify(canonical(withoutTimes(desired)));
}

/** JSON with object keys sorted, for order-insensitive comparison. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Obj)[k]);
    return out;
  }
  return v;
}

/** The node's Lease, renewed at `now`. */
export function leaseObject(name: string, nodeUid: string | undefined, now: number): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}
