/**
 * Validators for the parts of ObjectMeta that every object shares: labels, annotations,
 * finalizers, owner references and managed fields, with upstream's paths and messages.
 * Inputs are whatever JSON arrived (`unknown`), so each validator also rejects values of
 * the wrong shape. Pure: returns field errors, never throws, never mutates its input.
 */
import { type FieldError, forbidden, invalid, tooLong } from './field-error.js';
import { formatGoValue, utf8Length } from './go-format.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { child, index } from './path.js';

/** Upper bound on the summed size (keys plus values, in bytes) of an object's annotations. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** Finalizer names built-in types may use without a domain prefix. */
export const STANDARD_FINALIZERS: ReadonlySet<string> = new Set([
  'kubernetes',
  FINALIZER_ORPHAN_DEPENDENTS,
  FINALIZER_DELETE_DEPENDENTS,
]);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The string entries of a map field, or an error for a non-map or a non-string value. */
function stringMap(value: unknown, path: string, errs: FieldError[]): [string, string][] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) {
    errs.push(invalid(path, value, 'must be a map of string keys to string values'));
    return [];
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out.push([k, v]);
    else errs.push(invalid(path, v, 'must be a string'));
  }
  return out;
}

/** The string items of a list field, or an error for a non-list or a non-string item. */
export function stringList(value: unknown, path: string, errs: FieldError[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errs.push(invalid(path, value, 'must be a list of strings'));
    return [];
  }
  const out: string[] = [];
  value.forEach((v, i) => {
    if (typeof v === 'string') out.push(v);
    else errs.push(invalid(index(path, i), v, 'must be a string'));
  });
  return out;
}

/** Label keys must be qualified names and values valid label values. Errors name the map, not the key. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMap(labels, path, errs)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Annotation keys are qualified names in any letter case; all entries together fit in 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of stringMap(annotations, path, errs)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += utf8Length(k) + utf8Length(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

/**
 * Finalizers are qualified names, and `orphan` and `foregroundDeletion` exclude each other.
 * With `builtin`, names without a domain must also be standard ones (built-in types reject
 * others; custom resources only warn about them).
 */
export function validateFinalizers(finalizers: unknown, path: string, builtin: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = stringList(finalizers, path, errs);
  for (const f of names) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (names.includes(FINALIZER_ORPHAN_DEPENDENTS) && names.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      invalid(
        path,
        names,
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  if (builtin) errs.push(...validateBuiltinFinalizerNames(names, path));
  return errs;
}

/** The extra rule of built-in types: a finalizer without a `/` must be a standard one. */
export function validateBuiltinFinalizerNames(names: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  names.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(
        invalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
    }
  });
  return errs;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The version part of an apiVersion (`v1`, `apps/v1`), or '' when there is none or it does not parse. */
function versionOf(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (apiVersion === '') return { group: '', version: '' };
  if (parts.length === 1) return { group: '', version: parts[0] ?? '' };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return { group: '', version: '' };
}

/** Owner references need apiVersion, kind, name and uid; core Events may not own; one controller at most. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (refs === undefined || refs === null) return errs;
  if (!Array.isArray(refs)) return [invalid(path, refs, 'must be a list of owner references')];
  let firstController = '';
  for (const ref of refs) {
    const r = isRecord(ref) ? ref : {};
    const apiVersion = str(r.apiVersion);
    const kind = str(r.kind);
    const gv = versionOf(apiVersion);
    if (gv.version === '')
      errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalid(child(path, 'kind'), kind, 'kind must not be empty'));
    if (str(r.name) === '') errs.push(invalid(child(path, 'name'), str(r.name), 'name must not be empty'));
    if (str(r.uid) === '') errs.push(invalid(child(path, 'uid'), str(r.uid), 'uid must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (r.controller === true) {
      const current = `${kind}/${str(r.name)}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else firstController = current;
    }
  }
  return errs;
}

/** `%#U` of a rune as Go prints it for a non-printable character: `U+0007`. */
function goRune(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** A field manager name: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (utf8Length(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(path, FIELD_MANAGER_MAX_LENGTH));
  let pos = 0;
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      errs.push(
        invalid(path, manager, `invalid character ${goRune(ch.codePointAt(0) ?? 0)} (at position ${pos})`),
      );
    }
    pos += utf8Length(ch);
  }
  return errs;
}

/** Managed field entries: operation Apply or Update, fieldsType FieldsV1, a sane manager and subresource. */
export function validateManagedFields(entries: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (entries === undefined || entries === null) return errs;
  if (!Array.isArray(entries)) return [invalid(path, entries, 'must be a list of managed field entries')];
  entries.forEach((entry, i) => {
    const p = index(path, i);
    const e = isRecord(entry) ? entry : {};
    const op = str(e.operation);
    if (op !== 'Apply' && op !== 'Update')
      errs.push(invalid(child(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const fieldsType = str(e.fieldsType);
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') {
      errs.push(invalid(child(p, 'fieldsType'), fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(str(e.manager), child(p, 'manager')));
    if (utf8Length(str(e.subresource)) > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(child(p, 'subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

/** Finalizers may not be added to an object that is being deleted. */
export function validateNoNewFinalizers(
  newNames: readonly string[],
  oldNames: readonly string[],
  path: string,
): FieldError[] {
  const old = new Set(oldNames);
  const extra = [...new Set(newNames.filter((f) => !old.has(f)))].sort();
  if (extra.length === 0) return [];
  return [
    forbidden(
      path,
      `no new finalizers can be added if the object is being deleted, found new finalizers ${formatGoValue(extra)}`,
    ),
  ];
}
