/**
 * Strategy builders shared by most resources: plain objects (ConfigMaps, Secrets, RBAC...)
 * and objects with a spec and a status subresource, where the main endpoint keeps status
 * and bumps metadata.generation on spec changes, and the status endpoint keeps the rest.
 */

import type { ResourceInfo } from '../../api/resources.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { KObject, ResourceDef, Strategy } from '../types.js';

export function plain(info: ResourceInfo, strategy: Strategy = {}): ResourceDef {
  return { info, strategy };
}

export interface SpecStatusOptions extends Strategy {
  /** Clients may set status on create (Nodes). Default: status is cleared. */
  statusOnCreate?: boolean;
  /** Status a new object starts with (after clearing). */
  initialStatus?: (obj: KObject) => Record<string, unknown> | undefined;
  /** Extra rules for the status endpoint. */
  status?: Strategy;
}

/** Spec in the main resource, status through /status. */
export function specStatus(info: ResourceInfo, opts: SpecStatusOptions = {}): ResourceDef {
  const { statusOnCreate, initialStatus, status, ...own } = opts;
  const strategy: Strategy = {
    ...own,
    prepareForCreate(obj) {
      if (!statusOnCreate) delete obj['status'];
      const init = initialStatus?.(obj);
      if (init) obj['status'] = { ...init, ...((obj['status'] as object) ?? {}) };
      obj.metadata!.generation = 1;
      own.prepareForCreate?.(obj);
    },
    prepareForUpdate(obj, old) {
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = old['status'];
      obj.metadata!.generation =
        (old.metadata?.generation ?? 1) + (deepEqual(obj['spec'], old['spec']) ? 0 : 1);
      own.prepareForUpdate?.(obj, old);
    },
  };
  const statusStrategy: Strategy = {
    ...own,
    ...status,
    prepareForUpdate(obj, old) {
      const newStatus = obj['status'];
      const rv = obj.metadata?.resourceVersion;
      for (const k of Object.keys(obj)) delete obj[k];
      // Everything but the status is the stored object's. `old` is this write's own decoded
      // copy, only read from here on, so its members are taken as they are; the metadata,
      // which the write goes on to change (managedFields, resourceVersion), is copied.
      Object.assign(obj, old, { metadata: structuredClone(old.metadata) });
      if (newStatus === undefined) delete obj['status'];
      else obj['status'] = newStatus;
      if (rv === undefined) delete obj.metadata!.resourceVersion;
      else obj.metadata!.resourceVersion = rv;
      status?.prepareForUpdate?.(obj, old);
    },
  };
  return { info, strategy, statusStrategy };
}
