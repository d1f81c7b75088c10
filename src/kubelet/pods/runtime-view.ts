/**
 * What the container runtime holds for each pod, from one relist of CRI sandboxes and
 * containers (the kubelet's PLEG): sandboxes newest first, and container instances by
 * container name, newest (highest attempt) first. Also the fingerprint that tells the
 * relist loop which pods changed since the last look. Pure.
 */
import type { Container, ContainerStatus, PodSandbox } from '../cri/types.js';
import { CONTAINER_NAME, POD_UID } from './labels.js';

export interface PodRuntimeView {
  uid: string;
  sandboxes: PodSandbox[];
  /** By container name, newest first. */
  containers: Map<string, Container[]>;
}

function attemptOf(x: { metadata: { attempt?: number } | null; created_at: string }): number {
  return x.metadata?.attempt ?? 0;
}

function newestFirst<T extends { metadata: { attempt?: number } | null; created_at: string }>(
  a: T,
  b: T,
): number {
  const d = attemptOf(b) - attemptOf(a);
  if (d !== 0) return d;
  return BigInt(b.created_at) > BigInt(a.created_at)
    ? 1
    : BigInt(b.created_at) < BigInt(a.created_at)
      ? -1
      : 0;
}

export function groupByPod(sandboxes: PodSandbox[], containers: Container[]): Map<string, PodRuntimeView> {
  const out = new Map<string, PodRuntimeView>();
  const view = (uid: string): PodRuntimeView => {
    let v = out.get(uid);
    if (!v) {
      v = { uid, sandboxes: [], containers: new Map() };
      out.set(uid, v);
    }
    return v;
  };
  for (const s of sandboxes) {
    const uid = s.labels[POD_UID] ?? s.metadata?.uid;
    if (uid) view(uid).sandboxes.push(s);
  }
  for (const c of containers) {
    const uid = c.labels[POD_UID];
    const name = c.labels[CONTAINER_NAME] ?? c.metadata?.name;
    if (!uid || !name) continue;
    const v = view(uid);
    const list = v.containers.get(name) ?? [];
    list.push(c);
    v.containers.set(name, list);
  }
  for (const v of out.values()) {
    v.sandboxes.sort(newestFirst);
    for (const list of v.containers.values()) list.sort(newestFirst);
  }
  return out;
}

/** A string that changes whenever anything the kubelet reacts to changes for the pod. */
export function fingerprint(v: PodRuntimeView | undefined): string {
  if (!v) return '';
  const parts = v.sandboxes.map((s) => `${s.id}:${s.state}`);
  for (const [name, list] of [...v.containers.entries()].sort())
    parts.push(`${name}=${list.map((c) => `${c.id}:${c.state}`).join(',')}`);
  return parts.join('|');
}

/** Nanoseconds (decimal string) to milliseconds, 0 when unset. */
export function nsToMs(ns: string | undefined): number {
  if (!ns || ns === '0') return 0;
  return Number(BigInt(ns) / 1_000_000n);
}

/** A container instance as the status needs it. */
export interface Instance {
  id: string;
  attempt: number;
  state: ContainerStatus['state'];
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  imageRef: string;
  image: string;
  logPath: string;
}

export function instanceOf(s: ContainerStatus): Instance {
  return {
    id: s.id,
    attempt: s.metadata?.attempt ?? 0,
    state: s.state,
    createdAt: nsToMs(s.created_at),
    startedAt: nsToMs(s.started_at),
    finishedAt: nsToMs(s.finished_at),
    exitCode: s.exit_code,
    reason: s.reason,
    message: s.message,
    imageRef: s.image_ref,
    image: s.image?.image ?? '',
    logPath: s.log_path,
  };
}
