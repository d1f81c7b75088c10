/**
 * pods/binding: assigns a pod to a node (what the scheduler does): sets spec.nodeName,
 * copies the Binding's annotations onto the pod and sets the PodScheduled condition to
 * True, as kube-apiserver does: a change of the stored pod under the Binding's uid and
 * resourceVersion preconditions, not an update of the pod (no pod validation, admission
 * or managedFields). Refused when the pod is already bound, is being deleted or still has
 * scheduling gates.
 */

import { guaranteedUpdate } from '../../registry/generic/current.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject, ObjectMeta } from '../../registry/types.js';
import { Errors } from '../errors.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { decodeObject } from './decode.js';

const BINDING = { group: '', resource: 'pods/binding' };

export async function bindPod(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const binding = await decodeObject(call, 'Binding', 'v1');
  const bm = (binding.metadata ?? {}) as ObjectMeta;
  if (bm.name !== undefined && bm.name !== info.name)
    throw Errors.badRequest('name in URL does not match name in Binding object');
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
  const refuse = (message: string) => Errors.conflict(BINDING, info.name, message);
  await guaranteedUpdate(
    store,
    call.ctx,
    info.namespace,
    info.name,
    { uid: bm.uid, resourceVersion: bm.resourceVersion },
    (pod) => {
      if (pod.metadata?.deletionTimestamp)
        throw refuse(`pod ${info.name} is being deleted, cannot be assigned to a host`);
      const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
      if (spec['nodeName'])
        throw refuse(`pod ${info.name} is already assigned to node "${String(spec['nodeName'])}"`);
      const gates = spec['schedulingGates'];
      if (Array.isArray(gates) && gates.length > 0)
        throw refuse(`pod ${info.name} has non-empty .spec.schedulingGates`);
      spec['nodeName'] = target.name;
      pod['spec'] = spec;
      if (bm.annotations && Object.keys(bm.annotations).length > 0) {
        pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...bm.annotations } };
      }
      markScheduled(pod, call.now);
    },
  );
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
