/**
 * DELETE of one object: preconditions, propagation policy (the orphan and foregroundDeletion
 * finalizers), graceful deletion, and removal once nothing holds the object back.
 */
import { isStorageError } from '../../storage/errors.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { KObject, RequestContext } from '../types.js';
import { checkPreconditions, getOrUndefined, MAX_ATTEMPTS } from './current.js';
import { decode, encode, meta, timestamp } from './meta.js';
import type { DeleteOptions } from './options.js';
import type { GenericStore } from './store.js';

export async function deleteObject(
  s: GenericStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  opts: DeleteOptions,
): Promise<{ object: KObject; deleted: boolean }> {
  const key = s.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const cur = await getOrUndefined(s, key, name);
    if (!cur) s.notFound(name);
    const obj = decode(cur.value, cur.modRevision);
    const m = meta(obj);
    checkPreconditions(s, name, m, opts.preconditions);
    const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
    const finalizers = new Set(m.finalizers ?? []);
    if (policy === 'Orphan') {
      finalizers.add('orphan');
      finalizers.delete('foregroundDeletion');
    } else if (policy === 'Foreground') {
      finalizers.add('foregroundDeletion');
      finalizers.delete('orphan');
    } else if (policy === 'Background') {
      finalizers.delete('orphan');
      finalizers.delete('foregroundDeletion');
    }
    const grace = m.deletionTimestamp
      ? Math.min(m.deletionGracePeriodSeconds ?? 0, opts.gracePeriodSeconds ?? Number.POSITIVE_INFINITY)
      : (s.strategy.gracePeriod?.(obj, opts.gracePeriodSeconds) ?? 0);
    const pending = finalizers.size > 0 || (s.strategy.extraFinalizers?.(obj).length ?? 0) > 0;
    if (!pending && grace <= 0) {
      if (ctx.dryRun) return { object: obj, deleted: true };
      try {
        const del = await s.env.store.delete(key, cur.modRevision);
        m.resourceVersion = String(del.revision);
        return { object: obj, deleted: true };
      } catch (err) {
        if (isStorageError(err, 'Conflict') && attempt < MAX_ATTEMPTS) continue;
        return s.storageError(err, name);
      }
    }
    // Mark for deletion: finalizers or a grace period keep the object for now.
    const marked = decode(cur.value, cur.modRevision);
    const mm = meta(marked);
    if (!mm.deletionTimestamp || (mm.deletionGracePeriodSeconds ?? 0) > grace) {
      mm.deletionTimestamp = timestamp(s.env.now() + grace * 1000);
      mm.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.size > 0) mm.finalizers = [...finalizers];
    else delete mm.finalizers;
    s.strategy.prepareForDelete?.(marked);
    if (deepEqual(marked, obj) || ctx.dryRun) return { object: marked, deleted: false };
    try {
      const kv = await s.env.store.update(key, encode(marked), cur.modRevision);
      mm.resourceVersion = String(kv.modRevision);
      return { object: marked, deleted: false };
    } catch (err) {
      if (isStorageError(err, 'Conflict') && attempt < MAX_ATTEMPTS) continue;
      return s.storageError(err, name);
    }
  }
}
