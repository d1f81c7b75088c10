/**
 * The Node a real kubelet registers and the status it reports: capacity from the machine,
 * allocatable less the hard eviction thresholds (by default memory.available 100Mi, nodefs 10 %),
 * conditions (Ready only when the runtime and the pod network are ready), addresses,
 * the kubelet's port, nodeInfo and the images present. Pure.
 */

import { formatQuantity, quantityOf } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';
import { nodeConditions } from '../common/conditions.js';
import { rfc3339 } from '../simulated/time.js';
import type { MachineFacts } from './machine.js';

export const KUBELET_VERSION = 'v1.32.0-k8ts';

/** What the hard eviction thresholds keep back from allocatable (memory.available, nodefs.available). */
export interface EvictionReserve {
  memoryBytes: number;
  ephemeralStorageBytes: number;
}

type Obj = Record<string, unknown>;

export interface NodeIdentity {
  name: string;
  internalIP: string;
  kubeletPort: number;
  labels: Record<string, string>;
}

export interface NodeHealth {
  /** Why the node is not ready (the runtime or network), or undefined when it is. */
  notReady?: string;
  memoryPressure?: boolean;
  diskPressure?: boolean;
  pidPressure?: boolean;
}

export function nodeLabels(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...extra,
  };
}

/** Bytes as upstream's kubelet prints them (a BinarySI quantity: "16318396Ki", "1Gi"). */
function bytes(n: number): string {
  return formatQuantity(quantityOf(Math.max(0, Math.floor(n)), 'BinarySI'));
}

/** The default hard eviction thresholds' reserve: memory.available<100Mi, nodefs.available<10%. */
function defaultReserve(m: MachineFacts): EvictionReserve {
  return { memoryBytes: 100 * 1024 * 1024, ephemeralStorageBytes: Math.floor(m.ephemeralStorageBytes * 0.1) };
}

function conditions(h: NodeHealth): [string, string, string, string][] {
  return [
    h.memoryPressure
      ? [
          'MemoryPressure',
          'True',
          'KubeletHasInsufficientMemory',
          'kubelet has insufficient memory available',
        ]
      : ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    h.diskPressure
      ? ['DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure']
      : ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    h.pidPressure
      ? ['PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available']
      : ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    h.notReady
      ? ['Ready', 'False', 'KubeletNotReady', h.notReady]
      : ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ];
}

export function realNodeStatus(
  id: NodeIdentity,
  m: MachineFacts,
  runtimeVersion: string,
  health: NodeHealth,
  images: Obj[],
  now: number,
  current?: KObject,
  reserve?: EvictionReserve,
): Obj {
  const prev = ((current?.['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  const ts = rfc3339(now);
  const kept = reserve ?? defaultReserve(m);
  const capacity = {
    cpu: String(m.cpu),
    'ephemeral-storage': bytes(m.ephemeralStorageBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: bytes(m.memoryBytes),
    pods: '110',
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': bytes(m.ephemeralStorageBytes - kept.ephemeralStorageBytes),
    memory: bytes(m.memoryBytes - kept.memoryBytes),
  };
  return {
    capacity,
    allocatable,
    conditions: nodeConditions(conditions(health), prev, ts),
    addresses: [
      { type: 'InternalIP', address: id.internalIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort } },
    nodeInfo: {
      machineID: m.machineID,
      systemUUID: m.systemUUID,
      bootID: m.bootID,
      kernelVersion: m.kernelVersion,
      osImage: m.osImage,
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    images,
  };
}
