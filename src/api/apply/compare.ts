/**
 * Compares two versions of an object field by field: which paths were added, modified or
 * removed. A node that appears or disappears is itself added or removed along with its
 * contents (which is where the `"."` of an updater's managedFields comes from); atomic lists
 * and maps, scalars and nodes empty on both sides compare as single leaves.
 *
 * Pure; never mutates its inputs. Values of an unexpected shape compare as leaves.
 */
import { isObject, type Json, jsonEqual } from './json.js';
import { fieldElement, type Path, type PathElement, serializeElement } from './path.js';
import { ATOMIC_UNTYPED, type Atom, atomOf, fieldType, type ListType, type TypeDef } from './schema.js';
import { FieldSet } from './set.js';
import { itemElementOrUndefined } from './typed.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compareValues(lhs: Json | undefined, rhs: Json | undefined, type: TypeDef): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  node(lhs, rhs, type, [], c);
  return c;
}

/** The comparison with the paths of `ignore` (and everything below them) left out. */
export function filterComparison(c: Comparison, ignore: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignore),
    modified: c.modified.recursiveDifference(ignore),
    removed: c.removed.recursiveDifference(ignore),
  };
}

function leaf(l: Json | undefined, r: Json | undefined, path: Path, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!jsonEqual(l, r)) c.modified.insert(path);
}

function sameShape(a: Atom, l: Json, r: Json): boolean {
  const shape = (v: Json) =>
    Array.isArray(v) ? 'list' : isObject(v) ? 'map' : v === null ? 'null' : 'scalar';
  const sl = shape(l);
  const sr = shape(r);
  return sl === sr || sl === 'null' || sr === 'null' || a.kind === 'scalar';
}

function node(l: Json | undefined, r: Json | undefined, type: TypeDef, path: Path, c: Comparison): void {
  // The same value on both sides (undefined included) holds no difference.
  if (l === r) return;
  const a = atomOf(type, r ?? l);
  if (l !== undefined && r !== undefined && !sameShape(a, l, r)) {
    leaf(l, r, path, c);
    return;
  }
  let inLeaf = false;
  if (a.kind === 'scalar') {
    leaf(l, r, path, c);
    inLeaf = true;
  } else if (a.kind === 'list') {
    const la = Array.isArray(l) ? l : [];
    const ra = Array.isArray(r) ? r : [];
    if (a.listType === 'atomic' || (la.length === 0 && ra.length === 0)) {
      leaf(l, r, path, c);
      inLeaf = true;
    } else {
      listItems(a, la, ra, path, c);
    }
  } else {
    const lm = isObject(l) ? l : {};
    const rm = isObject(r) ? r : {};
    const empty = Object.keys(lm).length === 0 && Object.keys(rm).length === 0;
    if (a.atomic || empty) {
      leaf(l, r, path, c);
      inLeaf = true;
    } else {
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
        const t = fieldType(a, k) ?? ATOMIC_UNTYPED;
        const lv = Object.hasOwn(lm, k) ? lm[k] : undefined;
        const rv = Object.hasOwn(rm, k) ? rm[k] : undefined;
        node(lv, rv, t, [...path, fieldElement(k)], c);
      }
    }
  }
  if (!inLeaf) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

interface Group {
  pe: PathElement;
  items: Json[];
}

function group(t: ListType, list: Json[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const item of list) {
    const pe = itemElementOrUndefined(t, item);
    if (!pe) continue;
    const id = serializeElement(pe);
    const g = out.get(id);
    if (g) g.items.push(item);
    else out.set(id, { pe, items: [item] });
  }
  return out;
}

function listItems(t: ListType, l: Json[], r: Json[], path: Path, c: Comparison): void {
  const lg = group(t, l);
  const rg = group(t, r);
  for (const id of new Set([...lg.keys(), ...rg.keys()])) {
    const pe = (lg.get(id) ?? rg.get(id))!.pe;
    const li = lg.get(id)?.items ?? [];
    const ri = rg.get(id)?.items ?? [];
    const p = [...path, pe];
    if (li.length <= 1 && ri.length <= 1) {
      node(li[0], ri[0], t.elem, p, c);
    } else if (li.length >= 2 && ri.length >= 2) {
      if (li.length !== ri.length || li.some((x, i) => !jsonEqual(x, ri[i]))) c.modified.insert(p);
    } else if (li.length >= 2) {
      if (ri.length > 0) node(undefined, ri[0], t.elem, p, c);
      c.removed.insert(p);
    } else {
      if (li.length > 0) node(li[0], undefined, t.elem, p, c);
      c.added.insert(p);
    }
  }
}
