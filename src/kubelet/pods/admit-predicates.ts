/**
 * The kubelet's general admission predicates, as upstream's lifecycle predicate admit
 * handler: the pod must fit the node's allocatable resources next to the pods already
 * admitted (the pod count first, then cpu, memory, ephemeral-storage and extended
 * resources: reason `OutOf<resource>`, message "Node didn't have enough resource: cpu,
 * requested: 4000, used: 100, capacity: 2000" in millicores for cpu, bytes or units
 * otherwise), its nodeSelector and required node affinity must match the node's labels
 * (reason NodeAffinity), its nodeName must be the node's, and (except for static pods) it
 * must tolerate the node's NoExecute taints. Other refusals read "Predicate <Name> failed:
 * <why>". Without a Node object nothing is checked. Pure.
 */
import type { KObject } from '../../registry/types.js';
import { firstUntolerated, requiredAffinityMatches } from '../../scheduler/node-selector.js';
import { newPodInfo, nodeTaints } from '../../scheduler/pod-info.js';
import { addResources, emptyResources, nodeAllocatable, podRequests } from '../../scheduler/resources.js';
import { CONFIG_SOURCE } from '../static/annotations.js';
import type { AdmitHandler, Refusal } from './admission.js';
import type { Obj } from './deps.js';

function insufficient(resource: string, requested: number, used: number, capacity: number): Refusal {
  return {
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  };
}

function predicate(name: string, why: string): Refusal {
  return { reason: name, message: `Predicate ${name} failed: ${why}` };
}

/** The first resource the pod does not fit in, next to `admitted`, as upstream's Fits orders them. */
export function resourceRefusal(
  pod: KObject,
  admitted: readonly KObject[],
  node: KObject,
): Refusal | undefined {
  const alloc = nodeAllocatable(node['status'] as Obj | undefined);
  if (admitted.length + 1 > alloc.pods) return insufficient('pods', 1, admitted.length, alloc.pods);
  const want = podRequests(pod['spec'] as Obj | undefined).requests;
  const used = emptyResources();
  for (const p of admitted) addResources(used, podRequests(p['spec'] as Obj | undefined).requests);
  const have = alloc.resources;
  const checks: [string, number, number, number][] = [
    ['cpu', want.milliCPU, used.milliCPU, have.milliCPU],
    ['memory', want.memory, used.memory, have.memory],
    ['ephemeral-storage', want.ephemeralStorage, used.ephemeralStorage, have.ephemeralStorage],
    ...[...(want.scalar ?? new Map<string, number>())].map(([k, v]): [string, number, number, number] => [
      k,
      v,
      used.scalar?.get(k) ?? 0,
      have.scalar?.get(k) ?? 0,
    ]),
  ];
  for (const [name, req, use, cap] of checks) {
    if (req > 0 && req > cap - use) return insufficient(name, req, use, cap);
  }
  return undefined;
}

/** The admit handler over the node `node()` returns (its latest known object). */
export function predicateAdmitHandler(node: () => KObject | undefined): AdmitHandler {
  return (pod, admitted) => {
    const n = node();
    if (!n) return undefined;
    const nodeName = n.metadata?.name ?? '';
    const fits = resourceRefusal(pod, admitted, n);
    if (fits) return fits;
    const info = newPodInfo(pod);
    const labels = n.metadata?.labels ?? {};
    if (!requiredAffinityMatches(info.requiredNodeAffinity, labels, nodeName))
      return predicate('NodeAffinity', "node(s) didn't match Pod's node affinity/selector");
    const wanted = (pod['spec'] as Obj | undefined)?.['nodeName'];
    if (typeof wanted === 'string' && wanted !== '' && wanted !== nodeName)
      return predicate('NodeName', "node(s) didn't match the requested node name");
    const source = pod.metadata?.annotations?.[CONFIG_SOURCE];
    const isStatic = source !== undefined && source !== 'api';
    if (!isStatic) {
      if (firstUntolerated(nodeTaints(n), info.tolerations, ['NoExecute']))
        return predicate('TaintToleration', "node(s) had taints that the pod didn't tolerate");
    }
    return undefined;
  };
}
