/**
 * Dispatches a resource request to its verb: the main resource, its status, scale,
 * binding, eviction, (serviceaccounts) token and (namespaces) finalize subresources. Connect subresources (log,
 * exec, attach, portforward) belong to the kubelet and answer 404 until a node serves them.
 */
import { Errors } from '../errors.js';
import { requestToken } from '../serviceaccounts/token-request.js';
import { bindPod } from './binding.js';
import type { ResourceCall } from './context.js';
import { evictPod } from './eviction.js';
import { finalizeNamespace } from './finalize.js';
import { getObject, listObjects } from './read.js';
import { handleScale } from './scale.js';
import { watchObjects } from './watch.js';
import { createResource, deleteCollection, deleteResource, patchResource, updateResource } from './write.js';

export async function handleResource(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const verbs = store.info.verbs;
  const sub = info.subresource;
  if (sub) {
    const declared = store.info.subresources?.find((s) => s.name === sub);
    if (!declared || !info.name) throw Errors.pathNotFound();
    if (sub === 'scale') return handleScale(call);
    if (sub === 'binding' && info.verb === 'create') return bindPod(call);
    if (sub === 'eviction' && info.verb === 'create') return evictPod(call);
    if (sub === 'token' && info.verb === 'create' && store.info.plural === 'serviceaccounts')
      return requestToken(call);
    if (sub === 'finalize' && store.info.plural === 'namespaces') return finalizeNamespace(call);
    if (sub === 'status') {
      if (info.verb === 'get') return getObject(call);
      if (info.verb === 'update') return updateResource(call);
      if (info.verb === 'patch') return patchResource(call);
      throw Errors.methodNotSupported(store.gr, info.verb);
    }
    throw Errors.pathNotFound();
  }
  const allowed = (v: (typeof verbs)[number]) => {
    if (!verbs.includes(v)) throw Errors.methodNotSupported(store.gr, v);
  };
  switch (info.verb) {
    case 'get':
      allowed('get');
      return getObject(call);
    case 'list':
      allowed('list');
      return listObjects(call);
    case 'watch':
      allowed('watch');
      return watchObjects(call);
    case 'create':
      if (info.name) throw Errors.methodNotSupported(store.gr, 'create');
      allowed('create');
      return createResource(call);
    case 'update':
      allowed('update');
      return updateResource(call);
    case 'patch':
      allowed('patch');
      return patchResource(call);
    case 'delete':
      allowed('delete');
      return deleteResource(call);
    case 'deletecollection':
      allowed('deletecollection');
      return deleteCollection(call);
    default:
      throw Errors.methodNotSupported(store.gr, info.verb);
  }
}
