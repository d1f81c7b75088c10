/**
 * PatchMeta: a small, pure description of how strategic merge patch treats each field of a kind,
 * the equivalent of the `patchStrategy` and `patchMergeKey` tags on Kubernetes' Go types.
 * This module holds the type and the lookups; the tables for built-in kinds live in
 * meta-core.ts and meta-kinds.ts. Descriptions are shared and must be treated as read-only.
 */

/**
 * - `merge` on a list: elements merge one by one, by `mergeKey` for lists of objects and as a
 *   set for lists of primitives. Without it a list is replaced whole.
 * - `replace` on an object: the patch replaces the whole object instead of merging into it.
 * - `retainKeys` (alone or with `merge`): the field may carry a `$retainKeys` directive. On the
 *   server the directive in the patch does the work, so this is descriptive only.
 */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface PatchMeta {
  readonly strategy?: PatchStrategy;
  /** For merged lists of objects: the field whose value identifies an element. */
  readonly mergeKey?: string;
  /** Descriptions of an object's fields by JSON name. A field not listed has none. */
  readonly fields?: Readonly<Record<string, PatchMeta>>;
  /** Description of every element of a list. */
  readonly items?: PatchMeta;
}

/** The description of a field nobody described: maps merge, lists are replaced. */
export const NO_META: PatchMeta = Object.freeze({});

export function fieldMeta(meta: PatchMeta, key: string): PatchMeta {
  const fields = meta.fields;
  return fields !== undefined && Object.hasOwn(fields, key) ? fields[key]! : NO_META;
}

export function itemMeta(meta: PatchMeta): PatchMeta {
  return meta.items ?? NO_META;
}

/** Whether a list with this description merges element by element. */
export function mergesList(meta: PatchMeta): boolean {
  return meta.strategy === 'merge' || meta.strategy === 'merge,retainKeys';
}

/** Whether an object with this description is replaced whole by a patch. */
export function replacesObject(meta: PatchMeta): boolean {
  return meta.strategy === 'replace';
}
