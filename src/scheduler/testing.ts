/**
 * Test support for the scheduler: Node and Pod objects with the fields scheduling reads,
 * a cache filled with them, and one-call helpers to run a plugin or a whole decision.
 * Not used by production code. Pure.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../registry/types.js';
import { Algorithm, type Decision } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { CycleState, type FilterPlugin, type ScorePlugin } from './framework/plugin.js';
import type { Status } from './framework/status.js';
import type { NodeInfo } from './node-info.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { defaultProfile } from './profile.js';

type Obj = Record<string, unknown>;

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeral?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, s: NodeSpec = {}): KObject {
  const allocatable: Obj = {
    cpu: s.cpu ?? '4',
    memory: s.memory ?? '8Gi',
    pods: String(s.pods ?? 110),
    ...(s.ephemeral ? { 'ephemeral-storage': s.ephemeral } : {}),
    ...s.extra,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...s.labels } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable,
      capacity: allocatable,
      conditions: [{ type: 'Ready', status: 'True' }],
      ...(s.images ? { images: s.images } : {}),
    },
  };
}

export interface PodSpec {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  hostPort?: number;
  nodeSelector?: Record<string, string>;
  affinity?: Obj;
  tolerations?: Toleration[];
  spread?: Obj[];
  image?: string;
  preemptionPolicy?: string;
  startTime?: string;
  initContainers?: Obj[];
  extraContainers?: Obj[];
  overhead?: Obj;
}

export function makePod(name: string, s: PodSpec = {}): KObject {
  const requests: Obj = {};
  if (s.cpu) requests['cpu'] = s.cpu;
  if (s.memory) requests['memory'] = s.memory;
  const container: Obj = {
    name: 'c',
    image: s.image ?? 'registry.example/app:1',
    resources: Object.keys(requests).length ? { requests } : {},
    ...(s.hostPort ? { ports: [{ containerPort: 80, hostPort: s.hostPort }] } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: s.labels ?? {},
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [container, ...(s.extraContainers ?? [])],
      ...(s.initContainers ? { initContainers: s.initContainers } : {}),
      ...(s.nodeName ? { nodeName: s.nodeName } : {}),
      ...(s.priority !== undefined ? { priority: s.priority } : {}),
      ...(s.nodeSelector ? { nodeSelector: s.nodeSelector } : {}),
      ...(s.affinity ? { affinity: s.affinity } : {}),
      ...(s.tolerations ? { tolerations: s.tolerations } : {}),
      ...(s.spread ? { topologySpreadConstraints: s.spread } : {}),
      ...(s.preemptionPolicy ? { preemptionPolicy: s.preemptionPolicy } : {}),
      ...(s.overhead ? { overhead: s.overhead } : {}),
    },
    status: { phase: 'Pending', ...(s.startTime ? { startTime: s.startTime } : {}) },
  };
}

/** A cache with `nodes`, and `pods` placed as bound pods on their spec.nodeName. */
export function makeCache(nodes: KObject[], pods: KObject[] = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of pods) cache.setBoundPod(newPodInfo(p), false);
  return cache;
}

export function pod(name: string, s: PodSpec = {}): PodInfo {
  return newPodInfo(makePod(name, s));
}

/** Runs one filter plugin (preFilter then filter) for `pi` on every node: node name to status. */
export function runFilter(
  plugin: FilterPlugin,
  cache: SchedulerCache,
  pi: PodInfo,
): Map<string, Status | null | 'skip'> {
  const state = new CycleState(pi, cache);
  const pre = plugin.preFilter?.(state);
  const out = new Map<string, Status | null | 'skip'>();
  for (const n of cache.nodes()) {
    if (pre === 'skip') out.set(n.name, 'skip');
    else if (pre) out.set(n.name, pre);
    else out.set(n.name, plugin.filter(state, n));
  }
  return out;
}

/** Runs one score plugin over all nodes (normalized): node name to score, or undefined if skipped. */
export function runScore(
  plugin: ScorePlugin,
  cache: SchedulerCache,
  pi: PodInfo,
  nodes: readonly NodeInfo[] = cache.nodes(),
): Map<string, number> | undefined {
  const state = new CycleState(pi, cache);
  if (plugin.preScore && !plugin.preScore(state, nodes)) return undefined;
  const scores = nodes.map((n) => plugin.score(state, n));
  plugin.normalize?.(state, scores, nodes);
  return new Map(nodes.map((n, i) => [n.name, scores[i]!]));
}

/** A decision with the default profile and deterministic tie-breaks. */
export function decide(cache: SchedulerCache, pi: PodInfo, percentage = 0): Decision {
  return new Algorithm(defaultProfile(), { percentageOfNodesToScore: percentage, random: () => 0 }).schedule(
    cache,
    pi,
  );
}
