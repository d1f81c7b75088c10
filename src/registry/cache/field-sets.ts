/**
 * Shared field sets for the watch cache. Every object carries metadata.managedFields, and
 * each entry's fieldsV1 is a tree of small objects (an empty object per field): about two
 * thirds of the objects a cached pod is made of, although the trees of pods written the
 * same way are the same but for a few keys (a pod IP in `k:{"ip":...}`). The cache's
 * objects are frozen and shared, so equal subtrees can be one object: a field set is
 * replaced, subtree by subtree from its leaves up, by the frozen copy already held of an
 * equal one, and kept as that copy when none is. Fewer objects to hold and, above all,
 * for the garbage collector to trace on every full collection of a large cluster's heap.
 *
 * The table of known subtrees is bounded: when full it starts again empty (objects keep
 * the subtrees they share; later ones share new copies).
 */
import { deepFreeze } from '../../util/deep-freeze.js';
import type { KObject } from '../types.js';

type Tree = Record<string, unknown>;

/** A subtree held for sharing, with a number that stands for it in its parents' keys. */
interface Shared {
  tree: Tree;
  id: number;
}

const LEAF: Shared = { tree: Object.freeze({}), id: 0 };
const MAX_KNOWN = 20_000;

/** Shared subtrees by their key: each member's name and the number of its (shared) value. */
let known = new Map<string, Shared>();
let nextId = 1;

function isTree(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The shared copy of `tree`, bottom-up: members are shared first, so a subtree's key is
 * only its own member names and its members' numbers (numbers are never reused, so equal
 * keys mean equal trees, also across a restart of the table).
 */
function share(tree: Tree): Shared {
  let key = '';
  for (const name in tree) {
    const v = tree[name];
    let part: string;
    if (isTree(v)) {
      const s = share(v);
      if (s.tree !== v) tree[name] = s.tree;
      part = String(s.id);
    } else {
      // Not a field set (values are objects there): keyed by its text, frozen with the tree.
      part = `=${JSON.stringify(v)}`;
      deepFreeze(v);
    }
    key += `${name}\u0000${part}\u0001`;
  }
  if (key === '') return LEAF;
  const same = known.get(key);
  if (same) return same;
  const s = { tree: Object.freeze(tree), id: nextId++ };
  if (known.size >= MAX_KNOWN) known = new Map();
  known.set(key, s);
  return s;
}

/**
 * Replaces the field sets of `obj`'s managedFields by shared frozen copies of equal ones
 * (in place: `obj` is a freshly decoded object about to be frozen into the cache).
 */
export function shareFieldSets(obj: KObject): KObject {
  const entries = obj.metadata?.managedFields;
  if (!Array.isArray(entries)) return obj;
  for (const e of entries as Tree[]) {
    if (isTree(e) && isTree(e['fieldsV1'])) e['fieldsV1'] = share(e['fieldsV1']).tree;
  }
  return obj;
}

/** How many subtrees the table holds (for tests). */
export function knownFieldSets(): number {
  return known.size;
}
