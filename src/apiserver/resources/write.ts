/** CREATE, UPDATE (PUT), PATCH, DELETE and DELETECOLLECTION of resources and their status. */

import { deleteObject } from '../../registry/generic/delete.js';
import { createObject, updateObject } from '../../registry/generic/write.js';
import type { KObject } from '../../registry/types.js';
import { Errors } from '../errors.js';
import { asObject, mediaType, parseText, readBody } from '../http/body.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { checkNameMatches, decodeObject } from './decode.js';
import { applyPatchBody, patchKind } from './patch.js';
import { deleteOptions, listOptions } from './query.js';
import { respondObject } from './read.js';

export async function createResource(call: ResourceCall): Promise<void> {
  const obj = await decodeObject(call);
  const created = await createObject(call.store, call.ctx, call.info.namespace, obj);
  respondObject(call, created, 201);
}

export async function updateResource(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const obj = await decodeObject(call);
  checkNameMatches(obj, info.name);
  const result = await updateObject(store, call.ctx, info.namespace, info.name, {
    subresource: info.subresource,
    apply: () => structuredClone(obj),
    createIfMissing: !info.subresource && (store.strategy.allowCreateOnUpdate ?? false),
    requireResourceVersion: true,
  });
  respondObject(call, result.object, result.created ? 201 : 200);
}

export async function patchResource(call: ResourceCall): Promise<void> {
  const { info, store, req } = call;
  const kind = patchKind(mediaType(req.headers['content-type']));
  const body = await readBody(req);
  const isApply = kind === 'apply';
  const result = await updateObject(store, call.ctx, info.namespace, info.name, {
    subresource: info.subresource,
    apply: (current) => applyPatchBody(call, kind, body, current),
    createIfMissing: isApply,
    requireResourceVersion: false,
    // Server-side apply keeps metadata.managedFields itself.
    managedFieldsSet: isApply,
  });
  respondObject(call, result.object, result.created ? 201 : 200);
}

async function readDeleteBody(call: ResourceCall): Promise<Record<string, unknown> | undefined> {
  const buf = await readBody(call.req);
  if (buf.length === 0) return undefined;
  return asObject(parseText(buf, 'json'), 'DeleteOptions');
}

export async function deleteResource(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const opts = deleteOptions(await readDeleteBody(call), call.query);
  const { object, deleted } = await deleteObject(store, call.ctx, info.namespace, info.name, opts);
  if (!deleted) {
    respondObject(call, object, 200);
    return;
  }
  writeJson(call.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: info.name, group: store.info.group, kind: store.info.plural, uid: object.metadata?.uid },
  });
}

export async function deleteCollection(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const opts = deleteOptions(await readDeleteBody(call), call.query);
  const list = await store.list(info.namespace, {
    ...listOptions(store.info.kind, store.info.group, call.query),
    resourceVersion: '',
  });
  const deleted: KObject[] = [];
  for (const obj of list.items) {
    const m = obj.metadata!;
    try {
      const r = await deleteObject(store, call.ctx, m.namespace ?? '', m.name!, opts);
      deleted.push(r.object);
    } catch (err) {
      // Already gone: nothing to delete.
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
  writeJson(call.res, 200, {
    kind: `${store.info.kind}List`,
    apiVersion: store.info.group ? `${store.info.group}/${store.info.version}` : store.info.version,
    metadata: { resourceVersion: String(store.env.caches.revision) },
    items: deleted,
  });
}

export function methodNotAllowed(call: ResourceCall): never {
  throw Errors.methodNotSupported(call.store.gr, call.info.verb);
}
