/**
 * The hand-over from client-side to server-side `kubectl apply`, as the API server does it
 * for the manager named `kubectl`: conflicts on fields whose live value still equals the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation are not conflicts, and an
 * object that carries the annotation gets it rewritten to the configuration just applied.
 *
 * Pure.
 */
import { compareValues } from './compare.js';
import { goJson, isObject, type Json, type JsonObject } from './json.js';
import type { TypeDef } from './schema.js';
import type { FieldSet } from './set.js';
import { fieldSetOf } from './typed.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function annotation(obj: JsonObject): string | undefined {
  const meta = obj['metadata'];
  const ann = isObject(meta) ? meta['annotations'] : undefined;
  const v = isObject(ann) ? ann[LAST_APPLIED] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The fields whose conflicts the hand-over forgives: those of the last applied
 * configuration that are unchanged in the live object. Undefined without a usable annotation.
 */
export function allowedFromLastApplied(
  live: JsonObject,
  apiVersion: string,
  type: TypeDef,
): FieldSet | undefined {
  const text = annotation(live);
  if (!text) return undefined;
  let last: Json;
  try {
    last = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (!isObject(last) || last['apiVersion'] !== apiVersion) return undefined;
  const c = compareValues(last, live, type);
  return fieldSetOf(last, type).difference(c.modified).difference(c.added).difference(c.removed);
}

/** The object with its last-applied annotation (when it has one) set to `applied`. */
export function setLastApplied(object: JsonObject, applied: JsonObject): JsonObject {
  if (!annotation(object)) return object;
  const config = structuredClone(applied);
  const cmeta = config['metadata'];
  if (isObject(cmeta) && isObject(cmeta['annotations'])) delete cmeta['annotations'][LAST_APPLIED];
  const meta = { ...(object['metadata'] as JsonObject) };
  meta['annotations'] = { ...(meta['annotations'] as JsonObject), [LAST_APPLIED]: `${goJson(config)}\n` };
  return { ...object, metadata: meta };
}
