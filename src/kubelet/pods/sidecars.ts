/**
 * Decisions about init containers, sidecars among them (init containers with
 * `restartPolicy: Always`), as the kubelet takes them: which init containers to start
 * now and whether the pod has initialized; whether every regular container of a
 * non-Always pod is done, so the pod is stopped and its sidecars are not restarted; and
 * the order of termination (regular containers first, then sidecars in reverse order).
 * Pure: the caller reads the runtime and acts.
 */
import type { Obj } from './deps.js';

export function isSidecar(c: Obj | undefined): boolean {
  return c?.['restartPolicy'] === 'Always';
}

/** What the decisions need to know about the newest instance of one container. */
export interface Seen {
  state: 'running' | 'exited' | 'created';
  exitCode: number;
  /** Running and its startup probe (if any) succeeded. */
  started: boolean;
}

export interface InitPlan {
  /** Indexes into spec.initContainers to start (or restart), in spec order. */
  start: number[];
  /** All regular init containers completed and all sidecars have started (once). */
  initialized: boolean;
  /** A regular init container failed and the pod's restartPolicy is Never. */
  failed: boolean;
}

/**
 * Upstream's init container walk, newest first: the last init container that ran tells
 * where initialization stands; after it, only sidecars are kept running. A regular
 * container that runs (or was created) means the pod initialized before, even if an
 * earlier init container's record is gone.
 */
export function planInit(
  inits: Obj[],
  regular: Obj[],
  seen: (name: string) => Seen | undefined,
  restartPolicy: string,
): InitPlan {
  let initialized = regular.some((c) => {
    const s = seen(String(c['name']))?.state;
    return s === 'running' || s === 'created';
  });
  if (inits.length === 0) return { start: [], initialized: true, failed: false };
  let previously = initialized;
  const start: number[] = [];
  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i] ?? {};
    const sidecar = isSidecar(c);
    const s = seen(String(c['name']));
    if (!s) {
      if (previously && sidecar) start.push(i);
      continue;
    }
    if (previously && !sidecar) continue;
    if (s.state === 'created') start.push(i);
    else if (s.state === 'running') {
      if (sidecar && s.started) {
        if (i === inits.length - 1) initialized = true;
        else if (!previously) start.push(i + 1);
      }
    } else if (sidecar) start.push(i);
    else if (s.exitCode !== 0) {
      if (restartPolicy === 'Never') return { start: [], initialized: false, failed: true };
      start.push(i);
    } else if (i === inits.length - 1) initialized = true;
    else start.push(i + 1);
    previously = true;
  }
  if (!previously) start.push(0);
  return { start: [...new Set(start)].sort((a, b) => a - b), initialized, failed: false };
}

/**
 * True when the pod's restartPolicy will restart none of its regular containers and none
 * is running: the pod is done, its sidecars are stopped and not restarted.
 */
export function regularDone(
  regular: Obj[],
  seen: (name: string) => Seen | undefined,
  restartPolicy: string,
): boolean {
  if (restartPolicy === 'Always' || regular.length === 0) return false;
  return regular.every((c) => {
    const s = seen(String(c['name']));
    if (s?.state !== 'exited') return false;
    return restartPolicy === 'Never' || s.exitCode === 0;
  });
}

/**
 * For each container being stopped, the names it waits for before its own stop: regular
 * containers wait for nothing; a sidecar waits for every regular container and for every
 * sidecar after it in the spec (among those being stopped).
 */
export function terminationWaits(spec: Obj, stopping: string[]): Map<string, string[]> {
  const inits = ((spec['initContainers'] as Obj[] | undefined) ?? []).filter(isSidecar);
  const sidecars = inits.map((c) => String(c['name']));
  const set = new Set(stopping);
  const regular = stopping.filter((n) => !sidecars.includes(n));
  const out = new Map<string, string[]>();
  for (const n of regular) out.set(n, []);
  sidecars.forEach((n, i) => {
    if (!set.has(n)) return;
    out.set(n, [...regular, ...sidecars.slice(i + 1).filter((m) => set.has(m))]);
  });
  return out;
}
