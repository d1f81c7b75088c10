/**
 * The words of an eviction, as upstream writes them: the pod's status message ("The
 * node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. " and,
 * for memory and ephemeral storage, one sentence per container using more than it
 * requests), the reason "Evicted", and the DisruptionTarget condition the pod gets. Pure.
 */

import { canonical, formatQuantity, quantityOf, unitValueOf as value } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';
import type { PodUsage } from './rank.js';
import type { Observation, Starved } from './signals.js';
import { type Threshold, thresholdQuantity } from './thresholds.js';

type Obj = Record<string, unknown>;

export const EVICTED_REASON = 'Evicted';

/** A number as a Kubernetes quantity prints it: bytes in binary units, counts in decimal ones. */
export function quantityText(n: number, r: Starved): string {
  const format = r === 'memory' || r === 'ephemeral-storage' ? 'BinarySI' : 'DecimalSI';
  return formatQuantity(quantityOf(Math.max(0, Math.floor(n)), format));
}

export function evictionMessage(
  r: Starved,
  threshold: Threshold | undefined,
  obs: Observation | undefined,
  pod: KObject,
  usage: PodUsage | undefined,
): string {
  let msg = `The node was low on resource: ${r}. `;
  if (threshold && obs) {
    const q =
      threshold.quantity !== undefined
        ? canonical(threshold.text)
        : quantityText(thresholdQuantity(threshold, obs.capacity), r);
    msg += `Threshold quantity: ${q}, available: ${quantityText(obs.available, r)}. `;
  }
  if (!usage || (r !== 'memory' && r !== 'ephemeral-storage')) return msg;
  const containers = ((pod['spec'] as Obj | undefined)?.['containers'] as Obj[] | undefined) ?? [];
  for (const c of containers) {
    const st = usage.containers.find((s) => s.name === c['name']);
    const used = r === 'memory' ? st?.memoryWorkingSetBytes : st?.rootfsBytes;
    if (used === undefined) continue;
    const reqText = ((c['resources'] as Obj | undefined)?.['requests'] as Obj | undefined)?.[r];
    const req = value(reqText);
    if (used > req)
      msg += `Container ${String(c['name'])} was using ${quantityText(used, r)}, request is ${reqText === undefined ? '0' : String(reqText)}, has larger consumption of ${r}. `;
  }
  return msg;
}

/** The condition a pod evicted by the kubelet carries. */
export function disruptionTarget(message: string, now: string): Obj {
  return {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: now,
    reason: 'TerminationByKubelet',
    message,
  };
}
