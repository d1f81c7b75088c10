/**
 * Rebuilding a pod's simulated runtime from the status the API already holds, so that a
 * restarted simulator carries on where it stopped instead of restarting every pod
 * (component memory is a cache of the API's state). Pure.
 */
import type { KObject } from '../../registry/types.js';
import { parseDuration } from './duration.js';
import {
  type ContainerRuntime,
  containersOf,
  type MachineConfig,
  type Phase,
  type PodRuntime,
  type Terminated,
} from './pod-runtime.js';
import { parseTime } from './time.js';

type Obj = Record<string, unknown>;

function terminated(t: Obj | undefined, fallback: number): Terminated | undefined {
  if (!t) return undefined;
  return {
    exitCode: typeof t['exitCode'] === 'number' ? t['exitCode'] : 0,
    reason: typeof t['reason'] === 'string' ? t['reason'] : 'Error',
    startedAt: parseTime(t['startedAt']) ?? fallback,
    finishedAt: parseTime(t['finishedAt']) ?? fallback,
    containerID: typeof t['containerID'] === 'string' ? t['containerID'] : '',
  };
}

function adoptContainer(c: ContainerRuntime, s: Obj, now: number, cfg: MachineConfig): void {
  const state = (s['state'] as Obj | undefined) ?? {};
  c.restartCount = typeof s['restartCount'] === 'number' ? s['restartCount'] : 0;
  const last = terminated((s['lastState'] as Obj | undefined)?.['terminated'] as Obj | undefined, now);
  if (last) c.last = last;
  if (c.restartCount > 0)
    c.backoffMs = Math.min(cfg.backoffInitialMs * 2 ** (c.restartCount - 1), cfg.backoffMaxMs);
  const running = state['running'] as Obj | undefined;
  const term = terminated(state['terminated'] as Obj | undefined, now);
  const waiting = state['waiting'] as Obj | undefined;
  if (running) {
    const startedAt = parseTime(running['startedAt']) ?? now;
    c.state = { kind: 'running', startedAt };
    c.backoffAt = startedAt;
  } else if (term) {
    c.state = { kind: 'terminated', t: term };
    c.backoffAt = term.startedAt;
  } else if (waiting?.['reason'] === 'CrashLoopBackOff') {
    const m = /back-off (\S+) restarting/.exec(String(waiting['message'] ?? ''));
    let backoffMs = cfg.backoffInitialMs;
    try {
      if (m) backoffMs = parseDuration(m[1]!);
    } catch {
      // Keep the initial backoff.
    }
    c.backoffMs = backoffMs;
    c.backoffAt = last?.startedAt ?? now;
    c.state = { kind: 'backoff', until: (last?.finishedAt ?? now) + backoffMs, backoffMs };
  }
}

/**
 * The runtime of a pod this node already ran (it has container statuses and an IP), or
 * undefined for a pod that has not started.
 */
export function adoptRuntime(
  pod: KObject,
  hostIP: string,
  now: number,
  cfg: MachineConfig,
): PodRuntime | undefined {
  const status = (pod['status'] as Obj | undefined) ?? {};
  const podIP = status['podIP'];
  const statuses = [
    ...(((status['initContainerStatuses'] as Obj[] | undefined) ?? []) as Obj[]),
    ...(((status['containerStatuses'] as Obj[] | undefined) ?? []) as Obj[]),
  ];
  if (typeof podIP !== 'string' || podIP === '' || statuses.length === 0) return undefined;
  const containers = containersOf(pod);
  for (const c of containers) {
    const s = statuses.find((x) => x['name'] === c.name);
    if (s) adoptContainer(c, s, now, cfg);
  }
  const phase = status['phase'];
  const rt: PodRuntime = {
    uid: pod.metadata?.uid ?? '',
    startTime: parseTime(status['startTime']) ?? now,
    podIP,
    hostIP,
    containers,
    phase: phase === 'Running' || phase === 'Succeeded' || phase === 'Failed' ? (phase as Phase) : 'Pending',
    plans: { value: undefined, seenAt: 0, list: [] },
  };
  if (typeof status['reason'] === 'string') rt.reason = status['reason'];
  if (typeof status['message'] === 'string') rt.message = status['message'];
  return rt;
}
