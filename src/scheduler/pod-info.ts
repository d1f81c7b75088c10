/**
 * A pod as the scheduler reads it, parsed once when the pod is seen: requests, host ports,
 * tolerations, node affinity, inter-pod (anti-)affinity terms, topology spread constraints,
 * images, priority. Affinity terms follow upstream's AffinityTerm: with neither namespaces
 * nor a namespace selector a term is about the pod's own namespace; matchLabelKeys and
 * mismatchLabelKeys add `key in/notin (the pod's value)` to the selector. Every term and
 * constraint carries an `id` naming exactly what it selects, so that pods sharing a
 * selector share one count index. Pure; the pod object is shared and never mutated.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import {
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorObject,
  labelSelectorFromObject,
  nothing,
} from '../api/selectors/index.js';
import type { KObject } from '../registry/types.js';
import { type NodeSelectorTerm, parseTerm, type RequiredNodeAffinity } from './node-selector.js';
import { NO_PRIORITY_CLASSES, type PriorityClasses, resolvePriority } from './priority.js';
import { podRequests, type Resources } from './resources.js';

type Obj = Record<string, unknown>;

export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  /** Matches namespaces by their labels; the "nothing" selector when the term has none. */
  namespaceSelector: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
  /** What the term selects (namespaces, namespace selector, selector), topology key excluded. */
  id: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  selector: LabelSelector;
  /** The selector and namespace, as a count index key. */
  id: string;
  minDomains: number;
  /** Honor (default): only nodes matching the pod's node affinity count. */
  nodeAffinityPolicy: string;
  /** Ignore (default): tainted nodes count too. */
  nodeTaintsPolicy: string;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  readonly pod: KObject;
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly preemptionPolicy: string;
  readonly requests: Resources;
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly requiredNodeAffinity: RequiredNodeAffinity;
  readonly preferredNodeAffinity: readonly { weight: number; term: NodeSelectorTerm }[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];
  readonly spreadConstraints: readonly SpreadConstraint[];
  /** Normalized image names of all containers (`name:tag` or `name@digest`). */
  readonly images: readonly string[];
  readonly containerCount: number;
  readonly nodeName: string;
  readonly nominatedNodeName: string;
  readonly schedulerName: string;
  readonly terminating: boolean;
  /** Pods with scheduling gates wait until the gates are removed. */
  readonly gated: boolean;
  /** status.startTime (else creation) in ms, for choosing among preemption victims. */
  readonly startTime: number;
  /** True when the pod's DisruptionTarget condition says the scheduler preempted it. */
  readonly preemptedByScheduler: boolean;
}

function selectorOf(obj: unknown): LabelSelector {
  try {
    return labelSelectorFromObject(obj as LabelSelectorObject | null | undefined);
  } catch {
    return nothing();
  }
}

function selectorId(s: LabelSelector): string {
  return s.nothing ? '<nothing>' : s.toString();
}

/** The term's selector with matchLabelKeys (in) and mismatchLabelKeys (notin) applied. */
function withLabelKeys(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
  match: unknown,
  mismatch: unknown,
): LabelSelector {
  const extra: LabelRequirement[] = [];
  for (const k of Array.isArray(match) ? (match as string[]) : []) {
    if (Object.hasOwn(labels, k)) extra.push({ key: k, operator: 'in', values: [labels[k]!] });
  }
  for (const k of Array.isArray(mismatch) ? (mismatch as string[]) : []) {
    if (Object.hasOwn(labels, k)) extra.push({ key: k, operator: 'notin', values: [labels[k]!] });
  }
  return extra.length > 0 ? selector.add(...extra) : selector;
}

function affinityTerm(raw: Obj, namespace: string, labels: Readonly<Record<string, string>>): AffinityTerm {
  const listed = Array.isArray(raw['namespaces']) ? (raw['namespaces'] as string[]) : [];
  const hasNsSelector = raw['namespaceSelector'] !== undefined && raw['namespaceSelector'] !== null;
  const namespaces = new Set(listed.length === 0 && !hasNsSelector ? [namespace] : listed);
  const namespaceSelector = hasNsSelector ? selectorOf(raw['namespaceSelector']) : nothing();
  const selector = withLabelKeys(
    selectorOf(raw['labelSelector']),
    labels,
    raw['matchLabelKeys'],
    raw['mismatchLabelKeys'],
  );
  const id = `${[...namespaces].sort().join(',')}|${selectorId(namespaceSelector)}|${selectorId(selector)}`;
  return { namespaces, namespaceSelector, selector, topologyKey: String(raw['topologyKey'] ?? ''), id };
}

function terms(list: unknown, namespace: string, labels: Readonly<Record<string, string>>): AffinityTerm[] {
  return Array.isArray(list) ? (list as Obj[]).map((t) => affinityTerm(t, namespace, labels)) : [];
}

function weighted(
  list: unknown,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): WeightedAffinityTerm[] {
  if (!Array.isArray(list)) return [];
  return (list as Obj[]).map((w) => ({
    ...affinityTerm((w['podAffinityTerm'] ?? {}) as Obj, namespace, labels),
    weight: typeof w['weight'] === 'number' ? w['weight'] : 0,
  }));
}

function spreadConstraints(
  list: unknown,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): SpreadConstraint[] {
  if (!Array.isArray(list)) return [];
  return (list as Obj[]).map((c) => {
    const selector = withLabelKeys(selectorOf(c['labelSelector']), labels, c['matchLabelKeys'], undefined);
    return {
      maxSkew: typeof c['maxSkew'] === 'number' ? c['maxSkew'] : 1,
      topologyKey: String(c['topologyKey'] ?? ''),
      whenUnsatisfiable: String(c['whenUnsatisfiable'] ?? 'DoNotSchedule'),
      selector,
      id: `${namespace}|${selectorId(selector)}`,
      minDomains: typeof c['minDomains'] === 'number' ? c['minDomains'] : 1,
      nodeAffinityPolicy: String(c['nodeAffinityPolicy'] ?? 'Honor'),
      nodeTaintsPolicy: String(c['nodeTaintsPolicy'] ?? 'Ignore'),
    };
  });
}

/** Upstream's normalization: a name without tag or digest means `:latest`. */
export function normalizeImage(image: string): string {
  if (image.includes('@')) return image;
  const slash = image.lastIndexOf('/');
  return image.indexOf(':', slash + 1) >= 0 ? image : `${image}:latest`;
}

function hostPorts(containers: Obj[]): HostPort[] {
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of (c['ports'] as Obj[] | undefined) ?? []) {
      const port = p['hostPort'];
      if (typeof port !== 'number' || port <= 0) continue;
      out.push({
        ip: typeof p['hostIP'] === 'string' && p['hostIP'] ? p['hostIP'] : '0.0.0.0',
        protocol: typeof p['protocol'] === 'string' && p['protocol'] ? p['protocol'] : 'TCP',
        port,
      });
    }
  }
  return out;
}

function time(s: unknown): number {
  const t = typeof s === 'string' ? Date.parse(s) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

export function newPodInfo(pod: KObject, classes: PriorityClasses = NO_PRIORITY_CLASSES): PodInfo {
  const meta = pod.metadata ?? {};
  const spec = (pod['spec'] ?? {}) as Obj;
  const status = (pod['status'] ?? {}) as Obj;
  const namespace = meta.namespace ?? '';
  const labels = (meta.labels ?? {}) as Readonly<Record<string, string>>;
  const affinity = (spec['affinity'] ?? {}) as Obj;
  const nodeAff = (affinity['nodeAffinity'] ?? {}) as Obj;
  const podAff = (affinity['podAffinity'] ?? {}) as Obj;
  const podAnti = (affinity['podAntiAffinity'] ?? {}) as Obj;
  const required = nodeAff['requiredDuringSchedulingIgnoredDuringExecution'] as Obj | undefined;
  const preferred = nodeAff['preferredDuringSchedulingIgnoredDuringExecution'];
  const containers = (spec['containers'] as Obj[] | undefined) ?? [];
  const initContainers = (spec['initContainers'] as Obj[] | undefined) ?? [];
  const req = podRequests(spec);
  const { priority, preemptionPolicy } = resolvePriority(spec, classes);
  const conditions = (status['conditions'] as Obj[] | undefined) ?? [];
  const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
  const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';
  return {
    pod,
    key: `${namespace}/${meta.name ?? ''}`,
    uid: meta.uid ?? '',
    namespace,
    name: meta.name ?? '',
    labels,
    priority,
    preemptionPolicy,
    requests: req.requests,
    nonZeroMilliCPU: req.nonZeroMilliCPU,
    nonZeroMemory: req.nonZeroMemory,
    hostPorts: hostPorts([...initContainers, ...containers]),
    tolerations: (spec['tolerations'] as Toleration[] | undefined) ?? [],
    requiredNodeAffinity: {
      selector: spec['nodeSelector'] as Record<string, string> | undefined,
      terms: required
        ? ((required['nodeSelectorTerms'] as unknown[] | undefined) ?? []).map(parseTerm)
        : undefined,
    },
    preferredNodeAffinity: Array.isArray(preferred)
      ? (preferred as Obj[]).map((p) => ({
          weight: typeof p['weight'] === 'number' ? p['weight'] : 0,
          term: parseTerm(p['preference']),
        }))
      : [],
    requiredAffinity: terms(podAff[REQ], namespace, labels),
    requiredAntiAffinity: terms(podAnti[REQ], namespace, labels),
    preferredAffinity: weighted(podAff[PREF], namespace, labels),
    preferredAntiAffinity: weighted(podAnti[PREF], namespace, labels),
    spreadConstraints: spreadConstraints(spec['topologySpreadConstraints'], namespace, labels),
    images: [...initContainers, ...containers]
      .map((c) => c['image'])
      .filter((i): i is string => typeof i === 'string' && i !== '')
      .map(normalizeImage),
    containerCount: initContainers.length + containers.length,
    nodeName: typeof spec['nodeName'] === 'string' ? spec['nodeName'] : '',
    nominatedNodeName: typeof status['nominatedNodeName'] === 'string' ? status['nominatedNodeName'] : '',
    schedulerName: typeof spec['schedulerName'] === 'string' ? spec['schedulerName'] : '',
    terminating: Boolean(meta.deletionTimestamp),
    gated: Array.isArray(spec['schedulingGates']) && spec['schedulingGates'].length > 0,
    startTime: time(status['startTime']) || time(meta.creationTimestamp),
    preemptedByScheduler: conditions.some(
      (c) =>
        c['type'] === 'DisruptionTarget' && c['status'] === 'True' && c['reason'] === 'PreemptionByScheduler',
    ),
  };
}

/** Whether `term` selects `pod` (`nsLabels` are the labels of the pod's namespace). */
export function termMatchesPod(
  term: AffinityTerm,
  pod: { namespace: string; labels: Readonly<Record<string, string>> },
  nsLabels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!term.namespaces.has(pod.namespace) && !term.namespaceSelector.matches(nsLabels ?? {})) return false;
  return term.selector.matches(pod.labels);
}

/** Node taints as the scheduler reads them. */
export function nodeTaints(node: KObject): readonly Taint[] {
  return (((node['spec'] ?? {}) as Obj)['taints'] as Taint[] | undefined) ?? [];
}
