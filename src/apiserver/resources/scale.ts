/**
 * The scale subresource: GET returns an autoscaling/v1 Scale built from the object's
 * spec.replicas, status.replicas and selector; PUT and PATCH change spec.replicas.
 */
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { updateObject } from '../../registry/generic/write.js';
import { field, num } from '../../registry/printers/columns.js';
import type { KObject } from '../../registry/types.js';
import { Errors } from '../errors.js';
import { asObject, mediaType, parseText, readBody } from '../http/body.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { applyPatchBody, patchKind } from './patch.js';

function selectorString(obj: KObject): string {
  const sel = field(obj, 'spec.selector');
  if (!sel || typeof sel !== 'object') return '';
  // ReplicationControllers use a plain map selector; the others a LabelSelector.
  const s = obj.kind === 'ReplicationController' ? { matchLabels: sel as Record<string, string> } : sel;
  return labelSelectorFromObject(s as Parameters<typeof labelSelectorFromObject>[0]).toString();
}

export function toScale(obj: KObject): KObject {
  const m = obj.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: num(obj, 'spec.replicas') },
    status: { replicas: num(obj, 'status.replicas'), selector: selectorString(obj) },
  };
}

export async function handleScale(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  if (info.verb === 'get') {
    writeJson(call.res, 200, toScale(await store.get(info.namespace, info.name)));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw Errors.methodNotSupported(store.gr, info.verb);
  const isPatch = info.verb === 'patch';
  const kind = isPatch ? patchKind(mediaType(call.req.headers['content-type'])) : undefined;
  const body = await readBody(call.req);
  const result = await updateObject(store, call.ctx, info.namespace, info.name, {
    subresource: 'scale',
    createIfMissing: false,
    requireResourceVersion: false,
    apply: (current) => {
      if (!current) return store.notFound(info.name);
      const scale = kind
        ? applyPatchBody(call, kind, body, toScale(current))
        : (asObject(parseText(body, 'json')) as KObject);
      const replicas = field(scale, 'spec.replicas');
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw Errors.invalid(
          'Scale',
          'autoscaling',
          info.name,
          [{ type: 'FieldValueInvalid', field: 'spec.replicas' }],
          `Scale.autoscaling "${info.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      const next = structuredClone(current);
      (next['spec'] as Record<string, unknown>)['replicas'] = replicas;
      const rv = scale.metadata?.resourceVersion;
      if (rv) next.metadata!.resourceVersion = rv;
      else delete next.metadata!.resourceVersion;
      return next;
    },
  });
  writeJson(call.res, 200, toScale(result.object));
}
