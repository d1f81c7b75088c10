/**
 * Field paths of server-side apply: a path is a list of elements, each a struct or map field
 * (`f:name`), an associative-list item by its key fields (`k:{"name":"web"}`), a set-list item
 * by its value (`v:"x"`), or a list item by index (`i:0`). This module orders elements, turns
 * them into the keys of `managedFields[].fieldsV1` and back, and prints paths the way conflict
 * messages show them (`.spec.containers[name="web"].image`).
 *
 * Pure: no I/O; elements are immutable values.
 */
import { compareValues, goJson, isObject, type Json, valueString } from './json.js';

/** One key field of an associative-list item: its name and value. */
export type KeyField = readonly [name: string, value: Json];

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: Json }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** A key element; its fields are kept sorted by name, as the API server sorts them. */
export function keyElement(fields: readonly KeyField[]): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

export function valueElement(value: Json): PathElement {
  return { kind: 'value', value };
}

export function indexElement(index: number): PathElement {
  return { kind: 'index', index };
}

const KIND_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

function compareKeys(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    const c = compareValues(av, bv);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The order of elements within a set: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_RANK[a.kind] - KIND_RANK[b.kind];
  switch (a.kind) {
    case 'field': {
      const bn = (b as typeof a).name;
      return a.name < bn ? -1 : a.name > bn ? 1 : 0;
    }
    case 'key':
      return compareKeys(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

/**
 * The element as a `fieldsV1` key: `f:name`, `k:{...}`, `v:...`, `i:N`. Equal elements give
 * equal strings, so this also serves as the element's identity.
 */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${goJson(n)}:${goJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

export class PathElementSyntaxError extends Error {
  override name = 'PathElementSyntaxError';
}

/**
 * Parses a `fieldsV1` key. Returns undefined for a well-formed key of a type this server
 * does not know (the API server skips those); throws PathElementSyntaxError otherwise.
 */
export function parseElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') throw new PathElementSyntaxError(`invalid path element: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'k': {
      const v = parseJson(body);
      if (!isObject(v)) throw new PathElementSyntaxError(`invalid key element: ${s}`);
      return keyElement(Object.entries(v));
    }
    case 'v':
      return valueElement(parseJson(body));
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new PathElementSyntaxError(`invalid index element: ${s}`);
      return indexElement(Number(body));
    }
    default:
      return undefined;
  }
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new PathElementSyntaxError(`invalid JSON in path element: ${text}`);
  }
}

/** An element as conflict messages print it: `.name`, `[k=v,...]`, `[=v]`, `[i]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathString(path: Path): string {
  return path.map(elementString).join('');
}
