/**
 * Reads the statistics eviction decisions rest on, from the machine and the runtime:
 * node memory from /proc/meminfo and the root memory cgroup (cgroup v1
 * memory.usage_in_bytes less total_inactive_file; on cgroup v2 MemTotal - MemFree less
 * inactive_file), statfs of the kubelet's and the runtime's directories, pid_max and
 * the number of tasks, and each pod's use per container through CRI ContainerStats.
 * Never writes anything.
 */
import { readFile, statfs } from 'node:fs/promises';
import type { CriClient } from '../cri/client.js';
import { CONTAINER_NAME, MANAGED, POD_UID } from '../pods/labels.js';
import type { PodUsage } from './rank.js';
import type { FsStats, NodeStats } from './signals.js';

async function text(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** `key value` lines (memory.stat) or `Key: value kB` lines (/proc/meminfo) -> numbers (meminfo in bytes). */
export function parseKeyValues(s: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of s.split('\n')) {
    const m = /^(\S+?):?\s+(\d+)(\s*kB)?\s*$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

/** Capacity and working set of the node's memory, as upstream's summary computes them. */
export async function readNodeMemory(): Promise<{ capacityBytes: number; workingSetBytes: number }> {
  const meminfo = parseKeyValues((await text('/proc/meminfo')) ?? '');
  const capacityBytes = meminfo.get('MemTotal') ?? 0;
  const v1Usage = await text('/sys/fs/cgroup/memory/memory.usage_in_bytes');
  if (v1Usage !== undefined) {
    const stat = parseKeyValues((await text('/sys/fs/cgroup/memory/memory.stat')) ?? '');
    const usage = Number(v1Usage.trim());
    return { capacityBytes, workingSetBytes: Math.max(0, usage - (stat.get('total_inactive_file') ?? 0)) };
  }
  const stat = parseKeyValues((await text('/sys/fs/cgroup/memory.stat')) ?? '');
  const usage = capacityBytes - (meminfo.get('MemFree') ?? 0);
  return { capacityBytes, workingSetBytes: Math.max(0, usage - (stat.get('inactive_file') ?? 0)) };
}

export async function readFs(path: string): Promise<FsStats> {
  const s = await statfs(path);
  return {
    capacityBytes: s.blocks * s.bsize,
    availableBytes: s.bavail * s.bsize,
    inodes: s.files,
    inodesFree: s.ffree,
  };
}

/** pid_max and the number of tasks (the 4th field of /proc/loadavg: running/total). */
export async function readPids(): Promise<{ max: number; running: number } | undefined> {
  const max = Number(((await text('/proc/sys/kernel/pid_max')) ?? '').trim());
  const total = /\s\d+\/(\d+)\s/.exec((await text('/proc/loadavg')) ?? '')?.[1];
  if (!Number.isFinite(max) || max <= 0 || total === undefined) return undefined;
  return { max, running: Number(total) };
}

export async function readNodeStats(dirs: { nodefs: string; imagefs: string }): Promise<NodeStats> {
  const [memory, nodefs, imagefs, pid] = await Promise.all([
    readNodeMemory(),
    readFs(dirs.nodefs),
    readFs(dirs.imagefs),
    readPids(),
  ]);
  return { memory, nodefs, imagefs, ...(pid ? { pid } : {}) };
}

function num(v: { value: string } | null | undefined): number | undefined {
  return v ? Number(v.value) : undefined;
}

/** Each pod's use (by pod uid) of its running containers, from CRI ContainerStats. */
export async function readPodUsage(cri: CriClient, signal: AbortSignal): Promise<Map<string, PodUsage>> {
  const opts = { signal, timeoutMs: 10_000 };
  const containers = await cri.listContainers(
    { state: { state: 'CONTAINER_RUNNING' }, label_selector: { [MANAGED]: 'true' } },
    opts,
  );
  const out = new Map<string, PodUsage>();
  for (const c of containers) {
    const uid = c.labels[POD_UID];
    if (!uid) continue;
    const st = await cri.containerStats(c.id, opts).catch(() => null);
    const usage = out.get(uid) ?? { containers: [] };
    const mem = num(st?.memory?.working_set_bytes);
    const rootfs = num(st?.writable_layer?.used_bytes);
    const inodes = num(st?.writable_layer?.inodes_used);
    usage.containers.push({
      name: c.labels[CONTAINER_NAME] ?? c.metadata?.name ?? '',
      ...(mem !== undefined ? { memoryWorkingSetBytes: mem } : {}),
      ...(rootfs !== undefined ? { rootfsBytes: rootfs } : {}),
      ...(inodes !== undefined ? { rootfsInodes: inodes } : {}),
    });
    out.set(uid, usage);
  }
  return out;
}
