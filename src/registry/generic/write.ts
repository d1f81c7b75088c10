/**
 * The write verbs of the generic store: create and update (PUT, PATCH and apply share it;
 * delete is delete.ts), with Kubernetes' metadata rules: generated names, system fields,
 * optimistic concurrency on resourceVersion, managedFields, dry runs. Retries a lost
 * compare-and-swap only when the client did not pin a resourceVersion.
 */

import {
  listTypesFor,
  sameExceptManagedFieldsTimes,
  type TypeDef,
  updateManagedFields,
} from '../../api/apply/index.js';
import { componentSchemas } from '../../api/openapi/load.js';
import type { SchemaMap } from '../../api/openapi/schema.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/index.js';
import { Errors } from '../../apiserver/errors.js';
import { isStorageError } from '../../storage/errors.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { KObject, ObjectMeta, RequestContext, Strategy } from '../types.js';
import { type Current, current, MAX_ATTEMPTS } from './current.js';
import { throwIfInvalid } from './invalid.js';
import { encode, fillCreateMeta, keepSystemMeta, meta, randomSuffix, timestamp } from './meta.js';
import type { GenericStore } from './store.js';

export async function createObject(
  s: GenericStore,
  ctx: RequestContext,
  namespace: string,
  obj: KObject,
  opts: { managedFieldsSet?: boolean } = {},
): Promise<KObject> {
  const m = meta(obj);
  if (s.info.namespaced) {
    if (m.namespace && namespace && m.namespace !== namespace) {
      throw Errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    m.namespace = namespace || m.namespace;
  } else {
    delete m.namespace;
  }
  if (m.resourceVersion)
    throw Errors.badRequest('resourceVersion should not be set on objects to be created');
  const generated = !m.name && !!m.generateName;
  fillCreateMeta(obj, s.env.now());
  // As kube-apiserver: the name is generated first, so validation sees the real name.
  if (generated) m.name = `${m.generateName}${randomSuffix()}`;
  const st = s.strategy;
  st.defaults?.(obj);
  st.prepareForCreate?.(obj);
  // As kube-apiserver: the writer owns what it sent, not what mutating admission adds.
  if (!opts.managedFieldsSet) trackManagedFields(s, ctx, undefined, obj, '');
  await s.env.admit?.('create', s.def, obj, undefined, ctx);
  const finish = await s.env.begin?.('create', s.def, obj, undefined, '');
  let written: number | undefined;
  try {
    const errors = validateObjectMeta(m, {
      namespaced: s.info.namespaced,
      nameValidator: st.nameRule ?? 'subdomain',
    });
    throwIfInvalid(s.info, m.name ?? m.generateName ?? '', [...errors, ...(st.validate?.(obj) ?? [])]);
    if (ctx.dryRun) return obj;
    for (let attempt = 0; ; attempt++) {
      if (generated && attempt > 0) m.name = `${m.generateName}${randomSuffix()}`;
      const name = m.name!;
      try {
        const ttl = st.ttlSeconds?.(obj);
        const kv = await s.env.store.create(
          s.key(namespace, name),
          encode(obj),
          ttl ? { ttlSeconds: ttl } : undefined,
        );
        m.resourceVersion = String(kv.modRevision);
        written = kv.modRevision;
        return obj;
      } catch (err) {
        if (generated && isStorageError(err, 'Exists') && attempt < 8) continue;
        return s.storageError(err, name);
      }
    }
  } finally {
    finish?.(written);
  }
}

export interface UpdateRequest {
  /** `status`, `scale` or '' for the main resource. */
  subresource: string;
  /** Builds the new object from a copy of the current one (undefined when absent). */
  apply: (current: KObject | undefined) => Promise<KObject> | KObject;
  /** Create when absent (PUT on resources that allow it, server-side apply). */
  createIfMissing: boolean;
  /** PUT requires a resourceVersion unless the strategy allows unconditional updates. */
  requireResourceVersion: boolean;
  /** `apply` already maintained metadata.managedFields (server-side apply): leave them be. */
  managedFieldsSet?: boolean;
  /** Hooks to use instead of the resource's (a subresource with rules of its own, like binding). */
  strategy?: Strategy;
}

/**
 * An update (PUT, PATCH, server-side apply, subresources): `req.apply` builds the new object
 * from a copy of the current one (`current`), which the resource's strategy, managedFields,
 * admission and validation then see beside the current one; written with compare-and-swap.
 */
export async function updateObject(
  s: GenericStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  req: UpdateRequest,
): Promise<{ object: KObject; created: boolean }> {
  const key = s.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const cur = await current(s, key, name, attempt === 0 && !ctx.dryRun);
    try {
      const r = await tryUpdate(s, ctx, namespace, name, key, req, cur, attempt);
      if (r !== AGAIN) return r;
    } catch (err) {
      // Refused on the cache's copy, which may be behind: decide on storage's.
      if (!cur?.cached) throw err;
    }
  }
}

/** What an update attempt returns to have the update start again from storage. */
const AGAIN = Symbol('again');

/** One attempt of an update, from `cur` (undefined: absent). */
async function tryUpdate(
  s: GenericStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  key: string,
  req: UpdateRequest,
  cur: Current | undefined,
  attempt: number,
): Promise<{ object: KObject; created: boolean } | typeof AGAIN> {
  const st: Strategy =
    req.strategy ?? (req.subresource === 'status' && s.statusStrategy ? s.statusStrategy : s.strategy);
  const old = cur?.copy();
  const obj = await req.apply(cur?.copy());
  let m = meta(obj);
  if (!old || !cur) {
    if (!req.createIfMissing) s.notFound(name);
    m.name = name;
    const created = await createObject(s, ctx, namespace, obj, { managedFieldsSet: req.managedFieldsSet });
    return { object: created, created: true };
  }
  // A PUT's resourceVersion is always a precondition. A patch carries the current one
  // unless the patch itself set another: only that is a precondition, and a patch that
  // set none is re-applied to the newer object when a concurrent write wins the race.
  const current = String(cur.modRevision);
  const pinned = m.resourceVersion && (req.requireResourceVersion || m.resourceVersion !== current);
  if (pinned && m.resourceVersion !== current) throw Errors.modified(s.gr, name);
  if (m.uid && m.uid !== old.metadata?.uid) {
    throwIfInvalid(s.info, name, [
      { type: 'FieldValueInvalid', field: 'metadata.uid', value: m.uid, detail: 'field is immutable' },
    ]);
  }
  if (!pinned && req.requireResourceVersion && !st.allowUnconditionalUpdate) {
    throwIfInvalid(s.info, name, [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.resourceVersion',
        value: 0,
        detail: 'must be specified for an update',
      },
    ]);
  }
  if (s.info.namespaced) m.namespace = namespace;
  keepSystemMeta(obj, old);
  st.defaults?.(obj);
  st.prepareForUpdate?.(obj, old);
  // A hook may have replaced the metadata object (a status update takes the stored one).
  m = meta(obj);
  if (!req.managedFieldsSet) trackManagedFields(s, ctx, old, obj, req.subresource);
  await s.env.admit?.('update', s.def, obj, old, ctx);
  const finish = await s.env.begin?.('update', s.def, obj, old, req.subresource);
  let written: number | undefined;
  try {
    const errors = [
      ...validateObjectMeta(m, {
        namespaced: s.info.namespaced,
        nameValidator: st.nameRule ?? 'subdomain',
      }),
      ...validateObjectMetaUpdate(m, old.metadata ?? {}),
      ...(st.validate?.(obj) ?? []),
      ...(st.validateUpdate?.(obj, old) ?? []),
    ];
    throwIfInvalid(s.info, name, errors);
    m.resourceVersion = old.metadata!.resourceVersion;
    // A write that would change nothing but managedFields times is no write (when what it
    // would not change is storage's, not maybe an older copy's).
    if (deepEqual(obj, old) || sameExceptManagedFieldsTimes(obj, old)) {
      return cur.cached ? AGAIN : { object: old, created: false };
    }
    if (ctx.dryRun) return { object: obj, created: false };
    try {
      if (readyToRemove(s, obj, old)) {
        const del = await s.env.store.delete(key, cur.modRevision);
        m.resourceVersion = String(del.revision);
        written = del.revision;
        return { object: obj, created: false };
      }
      const ttl = st.ttlSeconds?.(obj);
      const kv = await s.env.store.update(
        key,
        encode(obj),
        cur.modRevision,
        ttl ? { ttlSeconds: ttl } : undefined,
      );
      m.resourceVersion = String(kv.modRevision);
      written = kv.modRevision;
      return { object: obj, created: false };
    } catch (err) {
      if (isStorageError(err, 'Conflict') && !pinned && attempt < MAX_ATTEMPTS) return AGAIN;
      if (isStorageError(err, 'NotFound') && !pinned && attempt < MAX_ATTEMPTS) return AGAIN;
      return s.storageError(err, name);
    }
  } finally {
    finish?.(written);
  }
}

let components: SchemaMap | undefined | null = null;
const applyTypes = new WeakMap<GenericStore, TypeDef>();

/** The apply type of the store's kind (lists and maps by their merge markers), built once per store. */
export function applyTypeOf(s: GenericStore): TypeDef {
  const known = applyTypes.get(s);
  if (known) return known;
  if (components === null) {
    try {
      components = componentSchemas();
    } catch {
      // Without the generated schemas, kinds are typed as unknown ones (lists atomic).
      components = undefined;
    }
  }
  const type = listTypesFor(s.info.group, s.info.version, s.info.kind, components);
  applyTypes.set(s, type);
  return type;
}

/**
 * Records a write in metadata.managedFields, as the API server does for every write but an
 * apply: the writer (ctx.fieldManager, else `unknown`) owns what it set or changed. Only the
 * main resource and its status and scale subresources are tracked.
 */
function trackManagedFields(
  s: GenericStore,
  ctx: RequestContext,
  old: KObject | undefined,
  obj: KObject,
  subresource: string,
): void {
  if (subresource !== '' && subresource !== 'status' && subresource !== 'scale') return;
  const r = updateManagedFields(old && s.out(old), s.out(obj), ctx.fieldManager ?? '', {
    operation: 'Update',
    apiVersion: s.info.group ? `${s.info.group}/${s.info.version}` : s.info.version,
    kind: s.info.kind,
    now: timestamp(s.env.now()),
    schema: applyTypeOf(s),
    ...(subresource ? { subresource } : {}),
  });
  const m = meta(obj);
  if (r.managedFields) m.managedFields = r.managedFields as ObjectMeta['managedFields'];
  else delete m.managedFields;
}

/** An object marked for deletion with no finalizers left and no grace period is removed. */
function readyToRemove(s: GenericStore, obj: KObject, old: KObject): boolean {
  const m = obj.metadata!;
  if (!m.deletionTimestamp || (m.finalizers?.length ?? 0) > 0) return false;
  if ((s.strategy.extraFinalizers?.(obj).length ?? 0) > 0) return false;
  return (old.metadata?.deletionGracePeriodSeconds ?? 0) === 0;
}
