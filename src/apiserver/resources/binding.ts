/**
 * pods/binding: assigns a pod to a node (what the scheduler does). Refused when the pod
 * is already bound or is being deleted.
 */
import { updateObject } from '../../registry/generic/write.js';
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
      return pod;
    },
  });
  writeJson(call.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
