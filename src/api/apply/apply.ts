/**
 * Server-side apply and managedFields bookkeeping for whole objects, as the API server
 * layers them: `apply` for apply patches (with the first-apply adoption of untracked
 * objects and kubectl's client-side to server-side hand-over), `updateManagedFields` for
 * every other write. Identity metadata (name, uid, resourceVersion, ...), apiVersion and kind
 * are never owned; `status` is ignored on the main resource and `spec` on the status
 * subresource.
 *
 * Pure: the clock arrives as `now`; inputs are never mutated. Malformed input is an
 * ApplyError carrying the HTTP code the API server answers with; conflicts are results.
 */
import type { Conflict } from './conflict.js';
import { fastUpdateEntries } from './fast-update.js';
import {
  capUpdateManagers,
  encodeResult,
  stripMeta,
  stripNulls,
  withEntries,
  withoutManagedFields,
} from './finish.js';
import { firstWriteEntries } from './first-write.js';
import { isObject, type Json, type JsonObject, jsonEqual, normalized } from './json.js';
import { allowedFromLastApplied, setLastApplied } from './last-applied.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type ManagedFieldsEntry,
  type Managers,
  managerId,
} from './managers.js';
import { fieldElement, type Path } from './path.js';
import type { TypeDef } from './schema.js';
import { FieldSet } from './set.js';
import { skeletonOf } from './skeletons.js';
import { applyConfig, recordUpdate, type UpdaterContext } from './updater.js';
import { validateApplied } from './validate.js';

export class ApplyError extends Error {
  override name = 'ApplyError';
  /** 400 for a bad request, 500 where the API server answers with an internal error. */
  constructor(
    readonly code: 400 | 500,
    message: string,
  ) {
    super(message);
  }
}

export interface ApplyOptions {
  force: boolean;
  /** Group/version of the endpoint (`apps/v1`). */
  apiVersion: string;
  /** Kind of the endpoint; when given, the configuration must be of this kind. */
  kind?: string;
  /** RFC 3339 time for the entries this write touches. */
  now: string;
  schema: TypeDef;
  subresource?: string;
  /** Paths left out of ownership (default: `status`, or `spec` for the status subresource). */
  resetFields?: Path[];
}

export interface UpdateOptions extends Omit<ApplyOptions, 'force'> {
  operation: 'Update';
}

export interface Applied {
  object: JsonObject;
  managedFields: ManagedFieldsEntry[] | undefined;
  /** Whether anything but managedFields changed. */
  changed: boolean;
}

export type ApplyResult = Applied | { conflicts: Conflict[] };

const BEFORE_FIRST_APPLY = 'before-first-apply';

function contextFor(obj: JsonObject, opts: Omit<ApplyOptions, 'force'>): UpdaterContext {
  const reset = opts.resetFields ?? [[fieldElement(opts.subresource === 'status' ? 'spec' : 'status')]];
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : opts.apiVersion;
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : (opts.kind ?? '');
  return { type: opts.schema, ignore: FieldSet.of(...reset), skeleton: skeletonOf(apiVersion, kind) };
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const gv = av.includes('/') ? av : `/${av}`;
  return `${gv}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

function decodeOrThrow(live: JsonObject | undefined): Managers {
  try {
    return decodeManagedFields(isObject(live?.['metadata']) ? live['metadata']['managedFields'] : undefined);
  } catch (err) {
    throw new ApplyError(500, `failed to decode managed fields: ${(err as Error).message}`);
  }
}

/** An ordinary write's bookkeeping on a manager map: the writer's entry absorbs its changes. */
function update(
  ctx: UpdaterContext,
  oldObj: Json,
  newObj: Json,
  managers: Managers,
  manager: string,
  opts: Omit<ApplyOptions, 'force'>,
): Managers {
  const { managers: out, changedBy } = recordUpdate(ctx, oldObj, newObj, managers);
  const set = stripMeta(changedBy);
  if (set.isEmpty()) return out;
  const entry = { manager: manager || 'unknown', operation: 'Update' as const, apiVersion: opts.apiVersion };
  const id = managerId({ ...entry, subresource: opts.subresource });
  const prev = out.get(id);
  const next = new Map(out);
  next.set(id, {
    ...entry,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    time: opts.now,
    set: prev ? set.union(prev.set) : set,
  });
  return next;
}

function validateConfig(applied: JsonObject, opts: ApplyOptions): void {
  const [av, kind] = [applied['apiVersion'], applied['kind']];
  if (av !== opts.apiVersion || (opts.kind !== undefined && kind !== opts.kind)) {
    throw new ApplyError(400, `invalid object type: ${gvkString(av, kind)}`);
  }
  const meta = applied['metadata'];
  if (isObject(meta) && meta['managedFields'] !== undefined && meta['managedFields'] !== null) {
    throw new ApplyError(400, 'metadata.managedFields must be nil');
  }
}

/** Applies a configuration for `manager`; a conflict is a result, not an exception. */
export function apply(
  liveObject: object | undefined,
  appliedObject: object,
  manager: string,
  opts: ApplyOptions,
): ApplyResult {
  const live = liveObject && (normalized(liveObject) as JsonObject);
  const applied = normalized(appliedObject) as JsonObject;
  if (!isObject(applied)) throw new ApplyError(400, 'the applied configuration must be an object');
  validateConfig(applied, opts);
  const errs = validateApplied(applied, opts.schema);
  if (errs.length > 0) {
    const meta = isObject(applied['metadata']) ? applied['metadata'] : {};
    const nn = `${String(meta['namespace'] ?? '')}/${String(meta['name'] ?? '')}`;
    const detail = errs.length === 1 ? errs[0] : ['errors:', ...errs.map((e) => `  ${e}`)].join('\n');
    throw new ApplyError(
      500,
      `failed to create typed patch object (${nn}; ${gvkString(applied['apiVersion'], applied['kind'])}): ${detail}`,
    );
  }
  const managed = decodeOrThrow(live);
  const liveObj = withoutManagedFields(live ?? {});
  const ctx = contextFor(applied, opts);
  const attempt = (force: boolean) => {
    let managers = managed;
    if (managers.size === 0 && live) {
      managers = update(ctx, ctx.skeleton, liveObj, managers, BEFORE_FIRST_APPLY, opts);
    }
    const entry = { manager, operation: 'Apply' as const, apiVersion: opts.apiVersion };
    const id = managerId({ ...entry, subresource: opts.subresource });
    const prev = managers.get(id);
    const r = applyConfig(ctx, liveObj, applied, managers, id, { ...entry, ...sub(opts) }, force);
    if ('conflicts' in r) return r;
    const mine = r.managers.get(id);
    const out = new Map(r.managers);
    if (mine) {
      const set = stripMeta(mine.set);
      const time = r.changed ? opts.now : prev?.time;
      if (set.isEmpty()) out.delete(id);
      else out.set(id, { ...mine, set, ...(time ? { time } : {}) });
    }
    const object = (r.changed ? r.object : liveObj) as JsonObject;
    return { object, managers: out, changed: r.changed };
  };
  let r = attempt(opts.force);
  if ('conflicts' in r && manager === 'kubectl' && live) {
    const allowed = allowedFromLastApplied(live, opts.apiVersion, opts.schema);
    if (allowed) {
      const rest = r.conflicts.filter((c) => !allowed.has(c.path));
      r = rest.length === 0 ? attempt(true) : { conflicts: rest };
    }
  }
  if ('conflicts' in r) return r;
  let object = stripNulls(r.object);
  if (manager === 'kubectl') object = setLastApplied(object, applied);
  const changed = r.changed || !jsonEqual(object, r.object);
  return encodeResult(object, r.managers, changed);
}

function sub(opts: { subresource?: string }): { subresource?: string } {
  return opts.subresource ? { subresource: opts.subresource } : {};
}

function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0;
}

/** The managers an ordinary write starts from: the request's own entries when usable, else the stored ones. */
function managersBefore(old: JsonObject | undefined, updated: JsonObject, subresource: boolean): Managers {
  const fromOld = () => {
    try {
      return decodeOrThrow(old);
    } catch {
      return new Map() as Managers;
    }
  };
  if (subresource) return fromOld();
  const mf = isObject(updated['metadata']) ? updated['metadata']['managedFields'] : undefined;
  if (isReset(mf)) return new Map();
  try {
    const m = decodeManagedFields(mf);
    return m.size > 0 ? m : fromOld();
  } catch {
    return fromOld();
  }
}

/**
 * The entries of an update that changes only values its writer alone owns (fast-update.ts),
 * when the write starts from the stored entries; undefined to take the full path.
 */
function shortcut(
  old: JsonObject,
  updated: JsonObject,
  manager: string,
  opts: UpdateOptions,
): ManagedFieldsEntry[] | undefined {
  const stored = isObject(old['metadata']) ? old['metadata']['managedFields'] : undefined;
  if (!Array.isArray(stored) || stored.length === 0) return undefined;
  if (!opts.subresource) {
    // The request's own entries win when usable: only absent or unchanged ones are the stored ones.
    const sent = isObject(updated['metadata']) ? updated['metadata']['managedFields'] : undefined;
    if (sent !== undefined && sent !== stored && !jsonEqual(sent as Json, stored as Json)) return undefined;
  }
  return fastUpdateEntries(withoutManagedFields(old), withoutManagedFields(updated), stored, {
    manager: manager || 'unknown',
    apiVersion: opts.apiVersion,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    ignored: opts.subresource === 'status' ? 'spec' : 'status',
    now: opts.now,
  });
}

/**
 * Records an ordinary write (create, update, patch) by `manager`: it comes to own what it
 * set or changed, which the other managers lose. Objects that were never tracked stay
 * untracked.
 */
export function updateManagedFields(
  oldObject: object | undefined,
  updatedObject: object,
  manager: string,
  opts: UpdateOptions,
): Applied {
  // Read only, never mutated: members holding undefined count as absent throughout.
  const old = oldObject as JsonObject | undefined;
  const updated = updatedObject as JsonObject;
  const quick = old && !opts.resetFields ? shortcut(old, updated, manager, opts) : undefined;
  if (quick) return withEntries(withoutManagedFields(updated), quick, false);

  const managed = managersBefore(old, updated, !!opts.subresource);
  const newObj = withoutManagedFields(updated);
  if (managed.size === 0 && old) return encodeResult(newObj, managed, false);
  const compute = () => {
    const ctx = contextFor(updated, opts);
    const before = old ? withoutManagedFields(old) : ctx.skeleton;
    return capUpdateManagers(update(ctx, before, newObj, managed, manager, opts));
  };
  if (old || managed.size > 0 || opts.resetFields) return encodeResult(newObj, compute(), false);
  // A first write (a create): the entry depends only on the object's shape.
  const identity = JSON.stringify([manager, opts.apiVersion, opts.kind ?? '', opts.subresource ?? '']);
  const entries = firstWriteEntries(opts.schema, identity, newObj, opts.now, () =>
    encodeManagedFields(compute()),
  );
  return withEntries(newObj, entries, false);
}
