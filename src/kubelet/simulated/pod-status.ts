/**
 * The PodStatus a simulated pod reports, as the kubelet writes it and kubectl shows it:
 * phase, the kubelet's conditions (PodReadyToStartContainers, Initialized, Ready,
 * ContainersReady, PodScheduled; others' conditions are kept), container statuses with
 * normalised image names, image and container ids, host and pod IPs, start time, and the
 * QoS class the API server set. Readiness: containers are ready while running unless the
 * pod says `sim.k8ts.io/ready: "false"`; readiness gates need their conditions True.
 * Pure.
 */

import type { KObject } from '../../registry/types.js';
import { KUBELET_POD_CONDITIONS } from '../common/conditions.js';
import { podRef } from '../pod-ref.js';
import { isFalse, READY_ANNOTATION } from './annotations.js';
import { formatDuration } from './duration.js';
import { stableHex } from './hash.js';
import {
  type ContainerRuntime,
  containerID,
  isTerminal,
  type PodRuntime,
  type Terminated,
} from './pod-runtime.js';
import { rfc3339 } from './time.js';

type Obj = Record<string, unknown>;

/** The name a container runtime reports for `image`: registry, repository and tag spelled out. */
export function normalizeImage(image: string): string {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at) : '';
  let name = at >= 0 ? image.slice(0, at) : image;
  let domain = 'docker.io';
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      name = name.slice(slash + 1);
    }
  }
  if (domain === 'docker.io' && !name.includes('/')) name = `library/${name}`;
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (!digest && !last.includes(':')) name += ':latest';
  return `${domain}/${name}${digest}`;
}

export function imageID(image: string): string {
  const full = normalizeImage(image);
  const at = full.indexOf('@');
  if (at >= 0) return full;
  const repo = full.slice(0, full.lastIndexOf(':'));
  return `${repo}@sha256:${stableHex(full, 64)}`;
}

function terminatedJson(t: Terminated): Obj {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    startedAt: rfc3339(t.startedAt),
    finishedAt: rfc3339(t.finishedAt),
    containerID: t.containerID,
  };
}

function containerJson(c: ContainerRuntime, rt: PodRuntime, pod: KObject, ready: boolean): Obj {
  const ran = c.restartCount > 0 || c.state.kind !== 'waiting';
  const out: Obj = { name: c.name };
  const s = c.state;
  if (s.kind === 'waiting') out['state'] = { waiting: { reason: 'PodInitializing' } };
  else if (s.kind === 'running') out['state'] = { running: { startedAt: rfc3339(s.startedAt) } };
  else if (s.kind === 'terminated') out['state'] = { terminated: terminatedJson(s.t) };
  else {
    out['state'] = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatDuration(s.backoffMs)} restarting failed container=${c.name} pod=${podRef(pod)}`,
      },
    };
  }
  out['lastState'] = c.last ? { terminated: terminatedJson(c.last) } : {};
  out['ready'] = ready;
  out['restartCount'] = c.restartCount;
  out['image'] = normalizeImage(c.image);
  out['imageID'] = ran ? imageID(c.image) : '';
  if (s.kind === 'running') out['containerID'] = containerID(rt.uid, c.name, c.restartCount);
  else if (s.kind === 'terminated') out['containerID'] = s.t.containerID;
  else if (c.last) out['containerID'] = c.last.containerID;
  out['started'] = s.kind === 'running';
  return out;
}

interface Cond {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

function gateProblem(pod: KObject): string | undefined {
  const gates = ((pod['spec'] as Obj | undefined)?.['readinessGates'] as Obj[] | undefined) ?? [];
  const conds = (((pod['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? []) as Obj[];
  for (const g of gates) {
    const type = String(g['conditionType'] ?? '');
    const c = conds.find((x) => x['type'] === type);
    if (!c) return `corresponding condition of pod readiness gate "${type}" does not exist.`;
    if (c['status'] !== 'True')
      return `the status of pod readiness gate "${type}" is not "True", but ${String(c['status'])}`;
  }
  return undefined;
}

function kubeletConditions(rt: PodRuntime, pod: KObject, readyOf: Map<ContainerRuntime, boolean>): Cond[] {
  const terminal = isTerminal(rt.phase);
  const pending = rt.containers.filter(
    (c) => c.role === 'init' && !(c.state.kind === 'terminated' && c.state.t.exitCode === 0),
  );
  const unready = rt.containers.filter((c) => c.role !== 'init' && !readyOf.get(c)).map((c) => c.name);
  const initialized: Cond =
    pending.length === 0
      ? {
          type: 'Initialized',
          status: 'True',
          ...(rt.phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}),
        }
      : {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: [${pending.map((c) => c.name).join(' ')}]`,
        };
  let containersReady: Cond;
  if (terminal) {
    const reason = rt.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
    containersReady = { type: 'ContainersReady', status: 'False', reason };
  } else if (unready.length > 0) {
    const message = `containers with unready status: [${unready.join(' ')}]`;
    containersReady = { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message };
  } else containersReady = { type: 'ContainersReady', status: 'True' };
  let ready: Cond = { ...containersReady, type: 'Ready' };
  if (ready.status === 'True') {
    const problem = gateProblem(pod);
    if (problem)
      ready = { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: problem };
  }
  return [
    { type: 'PodReadyToStartContainers', status: terminal ? 'False' : 'True' },
    initialized,
    ready,
    containersReady,
    { type: 'PodScheduled', status: 'True' },
  ];
}

/** The status to write for `pod` given its runtime; times of unchanged conditions are kept. */
export function podStatus(rt: PodRuntime, pod: KObject, now: number): Obj {
  const prev = (pod['status'] as Obj | undefined) ?? {};
  const prevConds = (prev['conditions'] as Obj[] | undefined) ?? [];
  const qos = prev['qosClass'];
  if (rt.rejected) {
    return {
      phase: rt.phase,
      reason: rt.reason,
      message: rt.message,
      startTime: rfc3339(rt.startTime),
      ...(qos ? { qosClass: qos } : {}),
    };
  }
  const notReady = isFalse(pod.metadata?.annotations?.[READY_ANNOTATION]);
  const readyOf = new Map<ContainerRuntime, boolean>();
  for (const c of rt.containers) {
    const running = c.state.kind === 'running';
    const done = c.state.kind === 'terminated' && c.state.t.exitCode === 0;
    readyOf.set(c, c.role === 'init' ? done : running && !notReady);
  }
  const conditions: Obj[] = prevConds.filter((c) => !KUBELET_POD_CONDITIONS.has(String(c['type'])));
  for (const c of kubeletConditions(rt, pod, readyOf)) {
    const old = prevConds.find((p) => p['type'] === c.type);
    const since = old && old['status'] === c.status && typeof old['lastTransitionTime'] === 'string';
    conditions.push({
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: since ? old['lastTransitionTime'] : rfc3339(now),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    });
  }
  const status: Obj = {
    phase: rt.phase,
    conditions,
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    podIP: rt.podIP,
    podIPs: [{ ip: rt.podIP }],
    startTime: rfc3339(rt.startTime),
  };
  const inits = rt.containers.filter((c) => c.role !== 'main');
  if (inits.length > 0)
    status['initContainerStatuses'] = inits.map((c) => containerJson(c, rt, pod, readyOf.get(c)!));
  status['containerStatuses'] = rt.containers
    .filter((c) => c.role === 'main')
    .map((c) => containerJson(c, rt, pod, readyOf.get(c)!));
  if (qos) status['qosClass'] = qos;
  if (rt.reason) status['reason'] = rt.reason;
  if (rt.message) status['message'] = rt.message;
  return status;
}
