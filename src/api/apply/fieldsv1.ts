/**
 * The FieldsV1 encoding of a field set, as stored in `metadata.managedFields[].fieldsV1`:
 * nested JSON objects keyed by serialized path elements, `{}` for a leaf, and a `".": {}`
 * entry for a path that is a member and also has members below it. Keys come out in the
 * API server's order (fields, keys, values, indexes; each sorted).
 *
 * Pure: no I/O. Decoding throws FieldsV1Error for malformed input.
 */
import { isObject, type JsonObject } from './json.js';
import { compareElements, type PathElement, parseElement, serializeElement } from './path.js';
import { FieldSet } from './set.js';

export class FieldsV1Error extends Error {
  override name = 'FieldsV1Error';
}

/** The JSON each decoded set came from: an unchanged set is written back as it was read. */
const sources = new WeakMap<FieldSet, JsonObject>();

export function encodeFieldsV1(set: FieldSet): JsonObject {
  return sources.get(set) ?? encodeLevel(set, false);
}

function encodeLevel(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  const members = set.memberElements();
  const children = set.childEntries();
  if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {};
  // Members and parents interleave in element order; an element can be both.
  const items = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
  for (const pe of members) items.set(serializeElement(pe), { pe, member: true });
  for (const c of children) {
    const id = serializeElement(c.pe);
    const it = items.get(id);
    if (it) it.child = c.set;
    else items.set(id, { pe: c.pe, member: false, child: c.set });
  }
  const sorted = [...items].sort((a, b) => compareElements(a[1].pe, b[1].pe));
  // Keys always carry a type prefix, so plain assignment cannot reach a prototype.
  for (const [id, it] of sorted) out[id] = it.child ? encodeLevel(it.child, it.member) : {};
  return out;
}

/** Decodes a `fieldsV1` object; unknown element types are skipped, as upstream does. */
export function decodeFieldsV1(json: unknown): FieldSet {
  if (!isObject(json)) throw new FieldsV1Error('fieldsV1 must be a JSON object');
  const set = new FieldSet();
  // Input already in the form encodeFieldsV1 writes is kept, to be written back unchanged.
  if (decodeInto(set, [], json, false)) sources.set(set, json);
  return set;
}

/** Decodes one level into `set`; returns whether the level is in canonical form. */
function decodeInto(set: FieldSet, prefix: PathElement[], obj: JsonObject, isMember: boolean): boolean {
  const keys = Object.keys(obj);
  let canonical = isMember ? keys[0] === '.' && keys.length > 1 : !keys.includes('.');
  let prev: PathElement | undefined;
  for (const k of keys) {
    const v = obj[k];
    if (k === '.') {
      canonical &&= isObject(v) && Object.keys(v).length === 0;
      continue;
    }
    let pe: PathElement | undefined;
    try {
      pe = parseElement(k);
    } catch (err) {
      throw new FieldsV1Error(`parsing key as path element: ${(err as Error).message}`);
    }
    if (!pe) {
      canonical = false;
      continue;
    }
    if (!isObject(v)) throw new FieldsV1Error(`value of ${k} must be a JSON object`);
    canonical &&= serializeElement(pe) === k && (!prev || compareElements(prev, pe) < 0);
    prev = pe;
    const path = [...prefix, pe];
    const childKeys = Object.keys(v);
    const member = childKeys.length === 0 || Object.hasOwn(v, '.') || !childKeys.some((x) => known(x));
    if (member) set.insert(path);
    if (childKeys.length > 0) canonical = decodeInto(set, path, v, member) && canonical;
  }
  return canonical;
}
/** Whether a key names a child element this server understands. */
function known(k: string): boolean {
  if (k === '.') return false;
  try {
    return parseElement(k) !== undefined;
  } catch {
    return true;
  }
}
