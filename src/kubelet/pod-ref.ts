/**
 * A pod as the kubelet names it in messages and events: `name_namespace(uid)`. Pure.
 */
import type { KObject } from '../registry/types.js';

export function podRef(pod: KObject): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`;
}
