/**
 * Eviction signals from node statistics, as upstream's eviction manager observes them:
 * memory.available = capacity - working set (the root cgroup's usage less its inactive
 * file pages), allocatableMemory.available against the pods' share, nodefs/imagefs
 * available bytes and free inodes from statfs, pid.available = pid_max - processes.
 * Which thresholds are met, the resource each signal starves and the node condition it
 * raises. Pure.
 */
import { type Signal, type Threshold, thresholdQuantity } from './thresholds.js';

export interface FsStats {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

/** What the node's statistics say right now. */
export interface NodeStats {
  memory: { capacityBytes: number; workingSetBytes: number };
  /** The working set of all pods together, against the node's allocatable memory. */
  allocatableMemory?: { capacityBytes: number; workingSetBytes: number };
  nodefs: FsStats;
  /** The runtime's filesystem; the same as nodefs when the runtime keeps its data there. */
  imagefs: FsStats;
  pid?: { max: number; running: number };
}

export interface Observation {
  available: number;
  capacity: number;
}

export type Observations = Map<Signal, Observation>;

export function observe(s: NodeStats): Observations {
  const out: Observations = new Map();
  const mem = (m: { capacityBytes: number; workingSetBytes: number }): Observation => ({
    available: Math.max(0, m.capacityBytes - m.workingSetBytes),
    capacity: m.capacityBytes,
  });
  out.set('memory.available', mem(s.memory));
  if (s.allocatableMemory) out.set('allocatableMemory.available', mem(s.allocatableMemory));
  const fs = (prefix: 'nodefs' | 'imagefs' | 'containerfs', f: FsStats) => {
    out.set(`${prefix}.available`, { available: f.availableBytes, capacity: f.capacityBytes });
    out.set(`${prefix}.inodesFree`, { available: f.inodesFree, capacity: f.inodes });
  };
  fs('nodefs', s.nodefs);
  fs('imagefs', s.imagefs);
  fs('containerfs', s.imagefs);
  if (s.pid)
    out.set('pid.available', { available: Math.max(0, s.pid.max - s.pid.running), capacity: s.pid.max });
  return out;
}

/** The thresholds whose signal is below them. Signals not observed never meet a threshold. */
export function thresholdsMet<T extends Threshold>(thresholds: readonly T[], obs: Observations): T[] {
  return thresholds.filter((t) => {
    const o = obs.get(t.signal);
    return o !== undefined && o.available < thresholdQuantity(t, o.capacity);
  });
}

export type Pressure = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

export function pressureOf(signal: Signal): Pressure {
  if (signal === 'memory.available' || signal === 'allocatableMemory.available') return 'MemoryPressure';
  if (signal === 'pid.available') return 'PIDPressure';
  return 'DiskPressure';
}

/** The resource a signal starves, as eviction messages name it. */
export type Starved = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';

export function starvedResource(signal: Signal): Starved {
  if (signal === 'memory.available' || signal === 'allocatableMemory.available') return 'memory';
  if (signal === 'pid.available') return 'pids';
  return signal.endsWith('inodesFree') ? 'inodes' : 'ephemeral-storage';
}
