/**
 * Server-side apply and managedFields: field sets and their FieldsV1 encoding, the apply
 * type of each kind, `apply` for apply patches and `updateManagedFields` for every other
 * write, and the conflict messages of the 409 answer. Everything here is pure: callers read
 * the component schemas and the clock and pass them in.
 */
export {
  type Applied,
  ApplyError,
  type ApplyOptions,
  type ApplyResult,
  apply,
  type UpdateOptions,
  updateManagedFields,
} from './apply.js';
export { type Conflict, type ConflictCause, conflictCauses, conflictMessage } from './conflict.js';
export { sameExceptManagedFieldsTimes } from './equality.js';
export { decodeFieldsV1, encodeFieldsV1, FieldsV1Error } from './fieldsv1.js';
export { listTypesFor } from './kind-types.js';
export type { ManagedFieldsEntry } from './managers.js';
export {
  fieldElement,
  indexElement,
  keyElement,
  type Path,
  type PathElement,
  pathString,
  valueElement,
} from './path.js';
export type { TypeDef } from './schema.js';
export { FieldSet } from './set.js';
export { fieldSetOf } from './typed.js';
export { managerFromUserAgent } from './user-agent.js';
