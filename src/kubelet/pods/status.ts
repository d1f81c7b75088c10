/**
 * The PodStatus a real kubelet reports, from what the runtime holds and what the pod
 * worker knows: phase (upstream's rules: init containers first, sidecars started; then
 * running, restarting or finished containers by restartPolicy; a sidecar's exit never
 * decides it), the kubelet's conditions (sidecars count for readiness), init and app
 * container statuses (state, lastState, ready, started, restartCount, image, imageID,
 * containerID), pod and host IPs, start time and the QoS class the API server set.
 * Others' conditions are kept and unchanged conditions keep their transition times. Pure.
 */

import type { KObject } from '../../registry/types.js';
import { KUBELET_POD_CONDITIONS } from '../common/conditions.js';
import { rfc3339 } from '../simulated/time.js';
import type { Instance } from './runtime-view.js';
import { isSidecar } from './sidecars.js';

type Obj = Record<string, unknown>;

export interface ContainerView {
  spec: Obj;
  init: boolean;
  current?: Instance;
  previous?: Instance;
  /** Why it is not running, when the worker knows (pull errors, back-off, creating). */
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
  /** Termination messages by container id. */
  messages: Map<string, string>;
}

export interface StatusInputs {
  pod: KObject;
  containers: ContainerView[];
  hostIP: string;
  podIP?: string;
  startTime: number;
  sandboxReady: boolean;
  now: number;
  /** A phase decided elsewhere (terminal once written, or a rejection). */
  phase?: string;
  reason?: string;
  message?: string;
}

function terminated(i: Instance, messages: Map<string, string>): Obj {
  const msg = messages.get(i.id) ?? '';
  return {
    exitCode: i.exitCode,
    reason: i.reason || (i.exitCode === 0 ? 'Completed' : 'Error'),
    ...(msg ? { message: msg } : {}),
    startedAt: i.startedAt ? rfc3339(i.startedAt) : null,
    finishedAt: i.finishedAt ? rfc3339(i.finishedAt) : null,
    containerID: `containerd://${i.id}`,
  };
}

function containerStatus(v: ContainerView, podInitializing: boolean): Obj {
  const name = String(v.spec['name']);
  const cur = v.current;
  const out: Obj = { name };
  let state: Obj;
  if (v.waiting)
    state = {
      waiting: { reason: v.waiting.reason, ...(v.waiting.message ? { message: v.waiting.message } : {}) },
    };
  else if (cur?.state === 'CONTAINER_RUNNING') state = { running: { startedAt: rfc3339(cur.startedAt) } };
  else if (cur?.state === 'CONTAINER_EXITED') state = { terminated: terminated(cur, v.messages) };
  else state = { waiting: { reason: podInitializing && !v.init ? 'PodInitializing' : 'ContainerCreating' } };
  out['state'] = state;
  const last = v.waiting && cur?.state === 'CONTAINER_EXITED' ? cur : v.previous;
  out['lastState'] =
    last && last.state === 'CONTAINER_EXITED' ? { terminated: terminated(last, v.messages) } : {};
  out['ready'] = v.ready;
  out['restartCount'] = cur ? cur.attempt : 0;
  out['image'] = cur?.image || String(v.spec['image'] ?? '');
  out['imageID'] = cur?.imageRef ?? '';
  const shown = cur ?? v.previous;
  if (shown) out['containerID'] = `containerd://${shown.id}`;
  out['started'] = v.started && cur?.state === 'CONTAINER_RUNNING';
  return out;
}

/** The API state a view shows: waiting, running or terminated (exit code). */
function shown(v: ContainerView): { state: 'waiting' | 'running' | 'terminated'; exitCode: number } {
  const cur = v.current;
  if (v.waiting || !cur) return { state: 'waiting', exitCode: 0 };
  if (cur.state === 'CONTAINER_RUNNING') return { state: 'running', exitCode: 0 };
  if (cur.state === 'CONTAINER_EXITED') return { state: 'terminated', exitCode: cur.exitCode };
  return { state: 'waiting', exitCode: 0 };
}

/** The exit code of the last termination a waiting view shows, if any. */
function lastExit(v: ContainerView): number | undefined {
  if (v.waiting && v.current?.state === 'CONTAINER_EXITED') return v.current.exitCode;
  return v.previous?.state === 'CONTAINER_EXITED' ? v.previous.exitCode : undefined;
}

/** A sidecar: an init container with restartPolicy Always. */
function sidecar(v: ContainerView): boolean {
  return v.init && isSidecar(v.spec);
}

/** Done for initialization: a regular init container completed, a sidecar started. */
function initDone(v: ContainerView): boolean {
  if (sidecar(v)) return v.started && shown(v).state === 'running';
  const s = shown(v);
  return s.state === 'terminated' && s.exitCode === 0;
}

/** Upstream's phase rules, sidecars included (their exits never decide the phase). */
export function computePhase(pod: KObject, containers: ContainerView[]): string {
  const policy = String((pod['spec'] as Obj | undefined)?.['restartPolicy'] ?? 'Always');
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  for (const c of containers.filter((x) => x.init && !sidecar(x))) {
    const s = shown(c);
    if (s.state === 'terminated') {
      if (s.exitCode !== 0) failedInit++;
    } else if (s.state === 'waiting' && lastExit(c) !== undefined) {
      if (lastExit(c) !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers.filter(sidecar)) {
    const s = shown(c);
    if (s.state === 'running') {
      if (!c.started) pendingSidecars++;
      running++;
    } else if (s.state === 'waiting' && lastExit(c) === undefined) {
      pendingSidecars++;
      waiting++;
    }
  }
  const mains = containers.filter((c) => !c.init);
  for (const c of mains) {
    const s = shown(c);
    if (s.state === 'running') running++;
    else if (s.state === 'terminated') {
      stopped++;
      if (s.exitCode === 0) succeeded++;
    } else if (s.state === 'waiting' && lastExit(c) !== undefined) stopped++;
    else waiting++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && stopped !== mains.length)) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Cond {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

function conditions(inp: StatusInputs, phase: string): Cond[] {
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const pendingInit = inp.containers.filter((c) => c.init && !initDone(c)).map((c) => String(c.spec['name']));
  // Sidecars first, then the regular containers, as upstream lists them.
  const unready = [...inp.containers.filter(sidecar), ...inp.containers.filter((c) => !c.init)]
    .filter((c) => !c.ready)
    .map((c) => String(c.spec['name']));
  // A regular container that has run means the pod initialized before (sidecars restarting).
  const regularStarted = inp.containers.some((c) => !c.init && shown(c).state !== 'waiting');
  const initialized: Cond =
    pendingInit.length === 0 || regularStarted
      ? { type: 'Initialized', status: 'True', ...(phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}) }
      : {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: [${pendingInit.join(' ')}]`,
        };
  let cr: Cond;
  if (terminal)
    cr = {
      type: 'ContainersReady',
      status: 'False',
      reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed',
    };
  else if (unready.length > 0)
    cr = {
      type: 'ContainersReady',
      status: 'False',
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${unready.join(' ')}]`,
    };
  else cr = { type: 'ContainersReady', status: 'True' };
  let ready: Cond = { ...cr, type: 'Ready' };
  if (ready.status === 'True') {
    const gates = ((inp.pod['spec'] as Obj | undefined)?.['readinessGates'] as Obj[] | undefined) ?? [];
    const have = ((inp.pod['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
    for (const g of gates) {
      const c = have.find((x) => x['type'] === g['conditionType']);
      if (c?.['status'] !== 'True') {
        ready = {
          type: 'Ready',
          status: 'False',
          reason: 'ReadinessGatesNotReady',
          message: c
            ? `the status of pod readiness gate "${g['conditionType']}" is not "True", but ${c['status']}`
            : `corresponding condition of pod readiness gate "${g['conditionType']}" does not exist.`,
        };
        break;
      }
    }
  }
  return [
    { type: 'PodReadyToStartContainers', status: inp.sandboxReady && !terminal ? 'True' : 'False' },
    initialized,
    ready,
    cr,
    { type: 'PodScheduled', status: 'True' },
  ];
}

export function podStatus(inp: StatusInputs): Obj {
  const prev = (inp.pod['status'] as Obj | undefined) ?? {};
  const prevConds = (prev['conditions'] as Obj[] | undefined) ?? [];
  const phase = inp.phase ?? computePhase(inp.pod, inp.containers);
  const conds: Obj[] = prevConds.filter((c) => !KUBELET_POD_CONDITIONS.has(String(c['type'])));
  for (const c of conditions(inp, phase)) {
    const old = prevConds.find((p) => p['type'] === c.type);
    const keep = old && old['status'] === c.status && typeof old['lastTransitionTime'] === 'string';
    conds.push({
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: keep ? old['lastTransitionTime'] : rfc3339(inp.now),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    });
  }
  const podInitializing =
    inp.containers.some((c) => c.init && !initDone(c)) &&
    !inp.containers.some((c) => !c.init && shown(c).state !== 'waiting');
  const status: Obj = {
    phase,
    conditions: conds,
    hostIP: inp.hostIP,
    hostIPs: [{ ip: inp.hostIP }],
    ...(inp.podIP ? { podIP: inp.podIP, podIPs: [{ ip: inp.podIP }] } : {}),
    startTime: rfc3339(inp.startTime),
  };
  const inits = inp.containers.filter((c) => c.init);
  if (inits.length > 0) status['initContainerStatuses'] = inits.map((c) => containerStatus(c, false));
  status['containerStatuses'] = inp.containers
    .filter((c) => !c.init)
    .map((c) => containerStatus(c, podInitializing));
  if (prev['qosClass']) status['qosClass'] = prev['qosClass'];
  if (inp.reason) status['reason'] = inp.reason;
  if (inp.message) status['message'] = inp.message;
  return status;
}
