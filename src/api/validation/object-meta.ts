/**
 * ObjectMeta validation on create and on update, as kube-apiserver runs it before storing
 * any object: name or generateName, namespace against the resource's scope, generation,
 * labels, annotations, finalizers, owner references, managed fields; and on update the
 * fields that may never change. Paths and messages are upstream's.
 * Pure: returns field errors, never throws, never mutates. Name generation, clearing of
 * server-owned fields (uid, resourceVersion, creationTimestamp) and defaulting of the
 * namespace happen before these run and are not done here.
 */
import { type FieldError, forbidden, invalid, required } from './field-error.js';
import { goTimeString, type UnquotedValue } from './go-format.js';
import {
  isRecord,
  stringList,
  validateAnnotations,
  validateBuiltinFinalizerNames,
  validateFinalizers,
  validateLabels,
  validateManagedFields,
  validateNoNewFinalizers,
  validateOwnerReferences,
} from './meta-fields.js';
import {
  NAME_VALIDATORS,
  type NameValidator,
  type NameValidatorName,
  validateNamespaceName,
} from './names.js';
import { child } from './path.js';

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';

export interface ObjectMetaOptions {
  /** Whether the resource lives in a namespace; the caller sets `metadata.namespace` first. */
  namespaced: boolean;
  /** The rule for `metadata.name` (and, as a prefix, `metadata.generateName`). */
  nameValidator: NameValidatorName | NameValidator;
  /** Path of the metadata in messages; `metadata` unless it is nested (e.g. a template). */
  path?: string;
  /**
   * Built-in types also require finalizers without a domain to be standard ones
   * (`kubernetes`, `orphan`, `foregroundDeletion`). Default true; pass false for
   * custom resources.
   */
  builtin?: boolean;
}

export interface ObjectMetaUpdateOptions {
  path?: string;
  /** See {@link ObjectMetaOptions.builtin}. Default true. */
  builtin?: boolean;
  /**
   * Also reject new metadata without a resourceVersion (`must be specified for an
   * update`), as upstream does after its store has filled it in for unconditional
   * updates. Default false: the store decides about unconditional updates itself.
   */
  requireResourceVersion?: boolean;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function resolve(v: NameValidatorName | NameValidator): NameValidator {
  return typeof v === 'function' ? v : NAME_VALIDATORS[v];
}

/** Validates `metadata` of an object being created. Returns every problem found, in upstream's order. */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): FieldError[] {
  const path = opts.path ?? 'metadata';
  const m = isRecord(meta) ? meta : {};
  const nameFn = resolve(opts.nameValidator);
  const errs: FieldError[] = [];

  const generateName = str(m.generateName);
  if (generateName !== '') {
    for (const msg of nameFn(generateName, true))
      errs.push(invalid(child(path, 'generateName'), generateName, msg));
  }
  const name = str(m.name);
  if (name === '') errs.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(child(path, 'name'), name, msg));

  const namespace = str(m.namespace);
  if (opts.namespaced) {
    if (namespace === '') errs.push(required(child(path, 'namespace')));
    else {
      for (const msg of validateNamespaceName(namespace, false)) {
        errs.push(invalid(child(path, 'namespace'), namespace, msg));
      }
    }
  } else if (namespace !== '') {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }

  const generation = int(m.generation);
  if (generation < 0) errs.push(invalid(child(path, 'generation'), generation, IS_NEGATIVE_ERROR_MSG));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, child(path, 'finalizers'), opts.builtin ?? true));
  errs.push(...validateManagedFields(m.managedFields, child(path, 'managedFields')));
  return errs;
}

function sameInstant(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return (a ?? null) === (b ?? null);
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return !Number.isNaN(ta) && ta === tb;
}

/** How upstream prints an optional timestamp: "null" when unset, Go's time format otherwise. */
function optionalTime(v: unknown): UnquotedValue | null {
  return typeof v === 'string' && v !== '' ? goTimeString(v) : null;
}

/**
 * Validates `metadata` of an object being updated against the stored one: name,
 * namespace, uid, creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds may
 * not change, generation may not go down, no finalizer may be added while deleting, and
 * labels, annotations, owner references and managed fields must still be valid.
 */
export function validateObjectMetaUpdate(
  newMeta: unknown,
  oldMeta: unknown,
  opts: ObjectMetaUpdateOptions = {},
): FieldError[] {
  const path = opts.path ?? 'metadata';
  const n = isRecord(newMeta) ? newMeta : {};
  const o = isRecord(oldMeta) ? oldMeta : {};
  const errs: FieldError[] = [];
  const immutable = (field: string, changed: boolean, shown: unknown) => {
    if (changed) errs.push(invalid(child(path, field), shown, FIELD_IMMUTABLE_ERROR_MSG));
  };

  const newFinalizers = stringList(n.finalizers, child(path, 'finalizers'), errs);
  if (typeof o.deletionTimestamp === 'string' && o.deletionTimestamp !== '') {
    const oldFinalizers = stringList(o.finalizers, child(path, 'finalizers'), []);
    errs.push(...validateNoNewFinalizers(newFinalizers, oldFinalizers, child(path, 'finalizers')));
  }
  if ((opts.requireResourceVersion ?? false) && str(n.resourceVersion) === '') {
    errs.push(
      invalid(child(path, 'resourceVersion'), str(n.resourceVersion), 'must be specified for an update'),
    );
  }
  if (int(n.generation) < int(o.generation)) {
    errs.push(invalid(child(path, 'generation'), int(n.generation), 'must not be decremented'));
  }

  immutable('name', str(n.name) !== str(o.name), str(n.name));
  immutable('namespace', str(n.namespace) !== str(o.namespace), str(n.namespace));
  immutable('uid', str(n.uid) !== str(o.uid), str(n.uid));
  immutable(
    'creationTimestamp',
    !sameInstant(n.creationTimestamp || undefined, o.creationTimestamp || undefined),
    goTimeString(str(n.creationTimestamp)),
  );
  immutable(
    'deletionTimestamp',
    !sameInstant(n.deletionTimestamp || undefined, o.deletionTimestamp || undefined),
    optionalTime(n.deletionTimestamp),
  );
  immutable(
    'deletionGracePeriodSeconds',
    (n.deletionGracePeriodSeconds ?? null) !== (o.deletionGracePeriodSeconds ?? null),
    n.deletionGracePeriodSeconds ?? null,
  );

  errs.push(...validateLabels(n.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, child(path, 'managedFields')));
  if (opts.builtin ?? true)
    errs.push(...validateBuiltinFinalizerNames(newFinalizers, child(path, 'finalizers')));
  return errs;
}
