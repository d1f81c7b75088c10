/**
 * Field sets of typed values: the path element of a list item (its key fields, its value),
 * the set of fields a value sets (what an applier comes to own), and the promotion of struct
 * fields to members that pruning relies on. Semantics follow the API server: scalars,
 * atomic lists and maps, list items and map entries (but not struct fields) are members;
 * an empty or null field is a member too.
 *
 * Pure. These walkers are lenient: a value of the wrong shape counts as a leaf, an item
 * without a usable key is left out. Strict checks live in validate.ts.
 */
import { isObject, type Json } from './json.js';
import {
  fieldElement,
  type KeyField,
  keyElement,
  type Path,
  type PathElement,
  serializeElement,
  valueElement,
} from './path.js';
import { ATOMIC_UNTYPED, atomOf, fieldType, type ListType, type TypeDef } from './schema.js';
import { FieldSet } from './set.js';

export class ItemKeyError extends Error {
  override name = 'ItemKeyError';
}

/** The element naming an item of an associative list; throws ItemKeyError when it has none. */
export function listItemElement(t: ListType, item: Json): PathElement {
  if (t.listType === 'map') {
    if (item === null) throw new ItemKeyError('associative list with keys may not have a null element');
    if (!isObject(item)) throw new ItemKeyError('associative list with keys may not have non-map elements');
    const fields: KeyField[] = [];
    for (const k of t.keys) {
      if (Object.hasOwn(item, k)) fields.push([k, item[k]!]);
      else if (Object.hasOwn(t.keyDefaults, k)) fields.push([k, t.keyDefaults[k]!]);
    }
    if (fields.length === 0) {
      throw new ItemKeyError(
        `associative list with keys has an element that omits all key fields [${t.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`,
      );
    }
    return keyElement(fields);
  }
  if (t.listType === 'set') {
    if (Array.isArray(item)) throw new ItemKeyError('not supported: associative list with lists as elements');
    if (isObject(item))
      throw new ItemKeyError("associative list without keys has an element that's a map type");
    if (item === null)
      throw new ItemKeyError("associative list without keys has an element that's an explicit null");
    return valueElement(item);
  }
  throw new ItemKeyError('invalid indexing of non-associative list');
}

/** The element of an item, or undefined when it has none. */
export function itemElementOrUndefined(t: ListType, item: Json): PathElement | undefined {
  try {
    return listItemElement(t, item);
  } catch (err) {
    if (err instanceof ItemKeyError) return undefined;
    throw err;
  }
}

/** The set of fields a value sets. */
export function fieldSetOf(value: Json, type: TypeDef): FieldSet {
  const set = new FieldSet();
  walk(value, type, [], set);
  return set;
}

function walk(value: Json, type: TypeDef, path: Path, set: FieldSet): void {
  const a = atomOf(type, value);
  if (a.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (a.kind === 'list') {
    if (a.listType === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const seen = new Set<string>();
    const dups = new Set<string>();
    const items: Array<[PathElement, Json]> = [];
    for (const item of value) {
      const pe = itemElementOrUndefined(a, item);
      if (!pe) continue;
      const id = serializeElement(pe);
      if (seen.has(id)) dups.add(id);
      seen.add(id);
      items.push([pe, item]);
    }
    const inserted = new Set<string>();
    for (const [pe, item] of items) {
      const id = serializeElement(pe);
      const p = [...path, pe];
      if (dups.has(id)) {
        if (!inserted.has(id)) set.insert(p);
        inserted.add(id);
        continue;
      }
      walk(item, a.elem, p, set);
      set.insert(p);
    }
    return;
  }
  if (a.atomic) {
    set.insert(path);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const declared = a.field(k) !== undefined;
    const p = [...path, fieldElement(k)];
    walk(v, fieldType(a, k) ?? ATOMIC_UNTYPED, p, set);
    if (v === null || (isObject(v) && Object.keys(v).length === 0) || !declared) set.insert(p);
  }
}

/**
 * The set with every struct field that has members below it made a member too, so that
 * removing it removes the whole field.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeDef): FieldSet {
  return set.promoting<TypeDef | undefined>(type, (pe, t) => {
    if (!t) return { promote: false, ctx: undefined };
    if (t.kind === 'untyped') return { promote: false, ctx: t };
    if (pe.kind === 'field' && t.kind === 'map') {
      const declared = t.field(pe.name);
      return { promote: declared !== undefined, ctx: declared ?? t.elem };
    }
    if (pe.kind === 'key' && t.kind === 'list') return { promote: false, ctx: t.elem };
    return { promote: false, ctx: undefined };
  });
}
