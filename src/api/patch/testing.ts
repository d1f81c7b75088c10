/**
 * Helpers for the patch tests: deep freezing (so any mutation of an input throws) and a search
 * for strategic merge patch directives left in a result. Pure; used only by *.test.ts files.
 */
import { isObject, type Json } from './json.js';

/** Freezes `value` and everything inside it, and returns it. */
export function deepFreeze<T>(value: T): T {
  const json = value as Json;
  if (Array.isArray(json)) for (const item of json) deepFreeze(item);
  else if (isObject(json)) for (const key of Object.keys(json)) deepFreeze(json[key]);
  return Object.freeze(value);
}

const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** The JSON paths of every directive key found in `value`. */
export function directivesIn(value: Json, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => directivesIn(item, `${path}[${i}]`));
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((key) => [
    ...(DIRECTIVE.test(key) ? [`${path}.${key}`] : []),
    ...directivesIn(value[key]!, `${path}.${key}`),
  ]);
}
