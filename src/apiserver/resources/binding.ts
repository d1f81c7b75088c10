/**
 * pods/binding: assigns a pod to a node (what the scheduler does): sets spec.nodeName,
 * copies the Binding's annotations onto the pod and sets the PodScheduled condition to
 * True, as kube-apiserver does. Refused when the pod is already bound or is being deleted.
 */
import { timestamp } from '../../registry/generic/meta.js';
import { updateObject } from '../../registry/generic/write.js';
import type { KObject, ObjectMeta } from '../../registry/types.js';
import { Errors } from '../errors.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { decodeObject } from './decode.js';

export async function bindPod(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const binding = await decodeObject(call, 'Binding', 'v1');
  const target = (binding['target'] ?? {}) as { name?: string; kind?: string };
  if (!target.name) {
    throw Errors.invalid(
      'Binding',
      '',
      info.name,
      [{ type: 'FieldValueRequired', field: 'target.name' }],
      `Binding "${info.name}" is invalid: target.name: Required value`,
    );
  }
  await updateObject(store, call.ctx, info.namespace, info.name, {
    subresource: 'binding',
    createIfMissing: false,
    requireResourceVersion: false,
    // Binding sets spec.nodeName, which the pod's own update rules forbid.
    strategy: { nameRule: store.strategy.nameRule ?? 'subdomain' },
    apply: (pod) => {
      if (!pod) return store.notFound(info.name);
      if (pod.metadata?.deletionTimestamp) {
        throw Errors.conflict(store.gr, info.name, 'pod is being deleted, cannot be assigned to a host');
      }
      const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
      if (spec['nodeName']) {
        throw Errors.conflict(
          store.gr,
          info.name,
          `pod ${info.name} is already assigned to node "${String(spec['nodeName'])}"`,
        );
      }
      spec['nodeName'] = target.name;
      pod['spec'] = spec;
      const annotations = (binding['metadata'] as ObjectMeta | undefined)?.annotations;
      if (annotations && Object.keys(annotations).length > 0) {
        pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } };
      }
      markScheduled(pod, call.now);
      return pod;
    },
  });
  writeJson(call.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Sets PodScheduled True; the transition time changes only when the status does. */
function markScheduled(pod: KObject, now: number): void {
  const status = (pod['status'] ?? {}) as Record<string, unknown>;
  const conditions = Array.isArray(status['conditions'])
    ? (status['conditions'] as Record<string, unknown>[])
    : [];
  const existing = conditions.find((c) => c['type'] === 'PodScheduled');
  const time = timestamp(now);
  if (!existing) {
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time });
  } else if (existing['status'] !== 'True') {
    existing['status'] = 'True';
    existing['lastTransitionTime'] = time;
    delete existing['reason'];
    delete existing['message'];
  }
  status['conditions'] = conditions;
  pod['status'] = status;
}
