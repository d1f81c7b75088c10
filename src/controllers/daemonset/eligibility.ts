/**
 * Which nodes a DaemonSet's pods belong on. A daemon pod carries the tolerations upstream
 * adds to every daemon pod (not-ready and unreachable NoExecute; disk, memory and PID
 * pressure and unschedulable NoSchedule; network-unavailable NoSchedule with host
 * networking). A node should run the pod when the template's nodeName, nodeSelector and
 * required node affinity accept it and it has no NoSchedule or NoExecute taint the pod
 * does not tolerate; a pod already there may keep running unless a NoExecute taint is
 * untolerated. Pure.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1.js';
import { nodeFitsAffinity, untoleratedTaint } from './node-affinity.js';

export const HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const exists = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });

/** The tolerations every daemon pod gets, as upstream adds them. */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (spec?.hostNetwork) out.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return out;
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? '') === (b.key ?? '') &&
    (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '')
  );
}

/** The template's tolerations plus the daemon ones it does not already have. */
export function withDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const own = [...(spec?.tolerations ?? [])];
  for (const t of daemonTolerations(spec)) if (!own.some((o) => sameToleration(o, t))) own.push(t);
  return own;
}

/**
 * The template daemon pods are made from: the DaemonSet's, with the daemon tolerations,
 * the revision hash label and (when the API server keeps one) the template generation.
 */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const t = structuredClone(ds.spec?.template ?? {});
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), [HASH_LABEL]: hash };
  const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (generation) labels[TEMPLATE_GENERATION_LABEL] = generation;
  t.metadata = { ...(t.metadata ?? {}), labels };
  const spec = t.spec ?? ({ containers: [] } as PodSpec);
  t.spec = { ...spec, tolerations: withDaemonTolerations(spec) };
  return t;
}

export interface Eligibility {
  /** A new daemon pod should be placed on the node. */
  shouldRun: boolean;
  /** A daemon pod already on the node may stay. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Eligibility {
  const spec = ds.spec?.template?.spec;
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec?.nodeName && spec.nodeName !== node.metadata?.name) return no;
  if (spec && !nodeFitsAffinity(spec, node)) return no;
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec?.taints;
  const blocking = untoleratedTaint(
    taints,
    tolerations,
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = untoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}
