/**
 * The patch functions behind the API server's PATCH verb: RFC 6902 JSON patch, RFC 7386 merge
 * patch and Kubernetes strategic merge patch, plus the per-kind strategic merge descriptions.
 * Everything here is pure (no I/O, no node: imports) and never mutates its inputs; failures are
 * PatchError values whose `kind` the server maps to a status code.
 */
export { PatchError, type PatchErrorKind } from './errors.js';
export type { Json, JsonObject } from './json.js';
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export type { PatchMeta, PatchStrategy } from './meta.js';
export { patchMetaFor } from './meta-kinds.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
