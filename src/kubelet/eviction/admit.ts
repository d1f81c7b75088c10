/**
 * Pod admission under node pressure, as upstream's eviction manager admits pods: with no
 * pressure condition every pod is admitted, and so are critical pods (static, mirror,
 * system-critical priority). With MemoryPressure alone, pods that are not BestEffort are
 * admitted, and BestEffort pods only if they tolerate the node.kubernetes.io/memory-pressure
 * NoSchedule taint. Any other condition (DiskPressure, PIDPressure) refuses every other pod.
 * A refusal carries upstream's reason "Evicted" and message "The node had condition:
 * [MemoryPressure]. " (the pod manager's admission, ../pods/admission.ts, writes it into
 * the pod's status). Pure.
 */
import type { KObject } from '../../registry/types.js';
import type { Refusal } from '../pods/admission.js';
import { EVICTED_REASON } from './message.js';
import { isCritical } from './rank.js';
import type { Pressure } from './signals.js';

type Obj = Record<string, unknown>;

export const MEMORY_PRESSURE_TAINT = 'node.kubernetes.io/memory-pressure';

/** The order the conditions are named in a refusal. */
const ORDER: Pressure[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

function containers(pod: KObject): Obj[] {
  const spec = (pod['spec'] as Obj | undefined) ?? {};
  return ['initContainers', 'containers'].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as Obj[]) : []));
}

/** BestEffort: no container requests or limits cpu or memory (the status says so when set). */
export function isBestEffort(pod: KObject): boolean {
  const q = (pod['status'] as Obj | undefined)?.['qosClass'];
  if (typeof q === 'string' && q !== '') return q === 'BestEffort';
  return containers(pod).every((c) => {
    const r = (c['resources'] as Obj | undefined) ?? {};
    return ['requests', 'limits'].every((k) => {
      const l = (r[k] as Obj | undefined) ?? {};
      return l['cpu'] === undefined && l['memory'] === undefined;
    });
  });
}

/** Whether a toleration list tolerates a taint with `key` and effect NoSchedule (no value). */
export function tolerates(pod: KObject, key: string): boolean {
  const tols = ((pod['spec'] as Obj | undefined)?.['tolerations'] as Obj[] | undefined) ?? [];
  return tols.some((t) => {
    const effect = t['effect'];
    if (effect !== undefined && effect !== '' && effect !== 'NoSchedule') return false;
    const tkey = t['key'];
    if (tkey !== undefined && tkey !== '' && tkey !== key) return false;
    if (t['operator'] === 'Exists') return true;
    // Equal (the default) against a taint without a value: only an empty value matches.
    return (tkey ?? '') !== '' && (t['value'] ?? '') === '';
  });
}

/** Why the pod may not start on a node with these pressure conditions; undefined: it may. */
export function admitUnderPressure(pod: KObject, pressures: ReadonlySet<Pressure>): Refusal | undefined {
  if (pressures.size === 0 || isCritical(pod)) return undefined;
  if (pressures.size === 1 && pressures.has('MemoryPressure')) {
    if (!isBestEffort(pod) || tolerates(pod, MEMORY_PRESSURE_TAINT)) return undefined;
  }
  const names = ORDER.filter((p) => pressures.has(p));
  return { reason: EVICTED_REASON, message: `The node had condition: [${names.join(' ')}]. ` };
}
