/**
 * The simulated container runtime of one pod, as a state machine over time: containers
 * start at once (init containers one after another, each completing at once unless told
 * otherwise), run until the `sim.k8ts.io/exit` annotation makes them exit, and then the
 * pod's restartPolicy applies, with the kubelet's crash-loop backoff (the first restart
 * at once, then 10 s doubling to 5 min, forgotten after 10 min without a restart). A pod
 * marked for deletion stops after min(grace period, a simulated stop time) and is then
 * removed. activeDeadlineSeconds fails the pod.
 *
 * Pure: step() advances the state to a given time and says when to look again; it
 * mutates only the runtime it is given. pod-status.ts turns the state into a PodStatus.
 */
import type { KObject } from '../../registry/types.js';
import { EXIT_ANNOTATION, type ExitPlan, parseExitPlans, planFor } from './annotations.js';
import { stableHex } from './hash.js';

export type Role = 'init' | 'sidecar' | 'main';
export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export type RunState =
  | { kind: 'waiting' }
  | { kind: 'running'; startedAt: number }
  | { kind: 'backoff'; until: number; backoffMs: number }
  | { kind: 'terminated'; t: Terminated };

export interface ContainerRuntime {
  name: string;
  image: string;
  role: Role;
  restartCount: number;
  state: RunState;
  /** The previous run (lastState.terminated). */
  last?: Terminated;
  /** The current crash-loop backoff (0: none yet) and when it was last moved on. */
  backoffMs: number;
  backoffAt: number;
}

export interface PodRuntime {
  uid: string;
  startTime: number;
  podIP: string;
  hostIP: string;
  /** Init containers (and sidecars) in spec order, then the main containers. */
  containers: ContainerRuntime[];
  phase: Phase;
  /** Pod-level reason and message (DeadlineExceeded, OutOfpods). */
  reason?: string;
  message?: string;
  /** Rejected on admission: the pod never ran. */
  rejected?: boolean;
  plans: { value: string | undefined; seenAt: number; list: ExitPlan[]; error?: string };
  terminating?: { deadline: number; killed: boolean };
}

export interface MachineConfig {
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** How long a container takes to stop when asked to (bounded by the grace period). */
  stopTimeMs: number;
}

export function machineConfig(backoffScale = 1, stopTimeMs = 1000): MachineConfig {
  return {
    backoffInitialMs: Math.max(1, Math.round(10_000 * backoffScale)),
    backoffMaxMs: Math.max(1, Math.round(300_000 * backoffScale)),
    stopTimeMs,
  };
}

export interface StepResult {
  /** When the state changes next by itself (an exit, the end of a backoff, a deadline). */
  wakeAt?: number;
  /** The pod has stopped for deletion: write its final status, then delete it. */
  remove: boolean;
}

type Obj = Record<string, unknown>;

function spec(pod: KObject): Obj {
  return (pod['spec'] as Obj | undefined) ?? {};
}

export function isTerminal(phase: Phase): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

export function containerID(uid: string, name: string, restartCount: number): string {
  return `sim://${stableHex(`${uid}/${name}/${restartCount}`, 64)}`;
}

/** The containers of `pod`'s spec, none started yet. */
export function containersOf(pod: KObject): ContainerRuntime[] {
  const out: ContainerRuntime[] = [];
  const add = (list: unknown, main: boolean) => {
    for (const c of Array.isArray(list) ? (list as Obj[]) : []) {
      const role: Role = main ? 'main' : c['restartPolicy'] === 'Always' ? 'sidecar' : 'init';
      out.push({
        name: String(c['name'] ?? ''),
        image: String(c['image'] ?? ''),
        role,
        restartCount: 0,
        state: { kind: 'waiting' },
        backoffMs: 0,
        backoffAt: 0,
      });
    }
  };
  add(spec(pod)['initContainers'], false);
  add(spec(pod)['containers'], true);
  return out;
}

export function newRuntime(pod: KObject, hostIP: string, podIP: string, now: number): PodRuntime {
  return {
    uid: pod.metadata?.uid ?? '',
    startTime: now,
    podIP,
    hostIP,
    containers: containersOf(pod),
    phase: 'Pending',
    plans: { value: undefined, seenAt: now, list: [] },
  };
}

/** A pod the node refuses to run (too many pods): Failed at once, as the kubelet's admission does. */
export function rejectedRuntime(pod: KObject, reason: string, message: string, now: number): PodRuntime {
  return { ...newRuntime(pod, '', '', now), phase: 'Failed', reason, message, rejected: true };
}

function refreshPlans(rt: PodRuntime, pod: KObject, now: number): void {
  const value = pod.metadata?.annotations?.[EXIT_ANNOTATION];
  if (value === rt.plans.value) return;
  rt.plans = { value, seenAt: now, list: [] };
  if (value === undefined) return;
  try {
    rt.plans.list = parseExitPlans(value);
  } catch (err) {
    rt.plans.error = (err as Error).message;
  }
}

function shouldRestart(role: Role, policy: string, exitCode: number): boolean {
  if (role === 'sidecar') return true;
  if (role === 'init') return exitCode !== 0 && policy !== 'Never';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

function restart(c: ContainerRuntime, at: number): void {
  c.restartCount++;
  c.state = { kind: 'running', startedAt: at };
}

function terminate(c: ContainerRuntime, uid: string, at: number, exitCode: number, reason: string): void {
  if (c.state.kind === 'running') {
    c.state = {
      kind: 'terminated',
      t: {
        exitCode,
        reason,
        startedAt: c.state.startedAt,
        finishedAt: at,
        containerID: containerID(uid, c.name, c.restartCount),
      },
    };
  } else if (c.state.kind === 'backoff' && c.last) {
    // Waiting to restart: it stays stopped, as its last run ended.
    c.state = { kind: 'terminated', t: c.last };
  }
}

/** Moves one container on to `now`; returns when it changes next by itself. */
function advance(
  c: ContainerRuntime,
  rt: PodRuntime,
  policy: string,
  now: number,
  cfg: MachineConfig,
): number | undefined {
  const fromAnnotation = planFor(rt.plans.list, c.name);
  const plan = fromAnnotation ?? (c.role === 'init' ? { code: 0, afterMs: 0 } : undefined);
  // Bounded: each pass moves time forward or settles, and backoff is never zero.
  for (let i = 0; i < 10_000; i++) {
    const s = c.state;
    if (s.kind === 'waiting') return undefined;
    if (s.kind === 'running') {
      if (!plan) return undefined;
      const since = fromAnnotation ? Math.max(s.startedAt, rt.plans.seenAt) : s.startedAt;
      const at = since + plan.afterMs;
      if (at > now) return at;
      terminate(c, rt.uid, at, plan.code, plan.code === 0 ? 'Completed' : 'Error');
      continue;
    }
    if (s.kind === 'terminated') {
      if (!shouldRestart(c.role, policy, s.t.exitCode)) return undefined;
      const t = s.t.finishedAt;
      c.last = s.t;
      if (c.backoffMs === 0 || t - c.backoffAt > 2 * cfg.backoffMaxMs) {
        c.backoffMs = cfg.backoffInitialMs;
        c.backoffAt = t;
        restart(c, t);
      } else {
        c.state = { kind: 'backoff', until: t + c.backoffMs, backoffMs: c.backoffMs };
      }
      continue;
    }
    if (s.until > now) return s.until;
    c.backoffMs = Math.min(c.backoffMs * 2, cfg.backoffMaxMs);
    c.backoffAt = s.until;
    restart(c, s.until);
  }
  return now + cfg.backoffInitialMs;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function stopAll(rt: PodRuntime, at: number, exitCode: number, reason: string): void {
  for (const c of rt.containers) terminate(c, rt.uid, at, exitCode, reason);
}

/** Advances `rt` to `now` for `pod` (its spec, annotations and deletion as they are now). */
export function step(rt: PodRuntime, pod: KObject, now: number, cfg: MachineConfig): StepResult {
  refreshPlans(rt, pod, now);
  if (pod.metadata?.deletionTimestamp) return stepDeletion(rt, pod, now, cfg);
  if (isTerminal(rt.phase)) return { remove: false };
  const s = spec(pod);
  const policy = typeof s['restartPolicy'] === 'string' ? s['restartPolicy'] : 'Always';
  let wake: number | undefined;
  const ads = s['activeDeadlineSeconds'];
  if (typeof ads === 'number' && ads > 0) {
    const deadline = rt.startTime + ads * 1000;
    if (now >= deadline) {
      stopAll(rt, deadline, 137, 'Error');
      rt.phase = 'Failed';
      rt.reason = 'DeadlineExceeded';
      rt.message = 'Pod was active on the node longer than the specified deadline';
      return { remove: false };
    }
    wake = deadline;
  }
  let cursor = rt.startTime;
  let initialized = true;
  let initFailed = false;
  for (const c of rt.containers) {
    if (c.role === 'main' || !initialized) continue;
    if (c.state.kind === 'waiting') c.state = { kind: 'running', startedAt: cursor };
    wake = earliest(wake, advance(c, rt, policy, now, cfg));
    if (c.role === 'sidecar') continue;
    if (c.state.kind === 'terminated' && c.state.t.exitCode === 0) {
      cursor = c.state.t.finishedAt;
      continue;
    }
    initialized = false;
    if (c.state.kind === 'terminated') initFailed = true;
  }
  if (initFailed) {
    stopAll(rt, now, 0, 'Completed');
    rt.phase = 'Failed';
    return { remove: false };
  }
  if (!initialized) {
    rt.phase = 'Pending';
    return wake === undefined ? { remove: false } : { wakeAt: wake, remove: false };
  }
  const mains = rt.containers.filter((c) => c.role === 'main');
  for (const c of mains) {
    if (c.state.kind === 'waiting') c.state = { kind: 'running', startedAt: cursor };
    wake = earliest(wake, advance(c, rt, policy, now, cfg));
  }
  if (mains.every((c) => c.state.kind === 'terminated')) {
    const ok = mains.every((c) => c.state.kind === 'terminated' && c.state.t.exitCode === 0);
    const end = Math.max(...mains.map((c) => (c.state.kind === 'terminated' ? c.state.t.finishedAt : now)));
    stopAll(rt, end, 0, 'Completed');
    rt.phase = ok ? 'Succeeded' : 'Failed';
    return { remove: false };
  }
  rt.phase = 'Running';
  return wake === undefined ? { remove: false } : { wakeAt: wake, remove: false };
}

function stepDeletion(rt: PodRuntime, pod: KObject, now: number, cfg: MachineConfig): StepResult {
  if (!rt.terminating) {
    const graceMs = Math.max(0, (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000);
    rt.terminating = { deadline: now + Math.min(graceMs, cfg.stopTimeMs), killed: graceMs < cfg.stopTimeMs };
  }
  if (isTerminal(rt.phase)) return { remove: true };
  const { deadline, killed } = rt.terminating;
  if (now < deadline) return { wakeAt: deadline, remove: false };
  stopAll(rt, deadline, killed ? 137 : 0, killed ? 'Error' : 'Completed');
  const mains = rt.containers.filter((c) => c.role === 'main');
  const ok = mains.every((c) => c.state.kind === 'terminated' && c.state.t.exitCode === 0);
  rt.phase = ok ? 'Succeeded' : 'Failed';
  return { remove: true };
}
