/**
 * Merges an applied configuration into a live object: scalars, atomic lists and maps from
 * the configuration replace the live ones, maps merge key by key, associative lists item by
 * item (by key or value). Item order follows the API server: the configuration's items in
 * its order, with live-only items kept where they were relative to the shared ones.
 *
 * Pure; returns new values and never mutates its inputs. A `null` in the configuration is
 * kept (it means "owned, unset"); callers drop such entries at the end.
 */
import { isObject, type Json, type JsonObject, setKey } from './json.js';
import { indexElement, type PathElement, serializeElement } from './path.js';
import { ATOMIC_UNTYPED, atomOf, fieldType, type ListType, type TypeDef } from './schema.js';
import { itemElementOrUndefined } from './typed.js';

export function mergeValues(lhs: Json | undefined, rhs: Json | undefined, type: TypeDef): Json | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const a = atomOf(type, rhs === null ? lhs : rhs);
  if (a.kind === 'scalar') return rhs;
  if (a.kind === 'list') {
    if (!Array.isArray(rhs) && rhs !== null) return rhs;
    const la = Array.isArray(lhs) ? lhs : [];
    const ra = Array.isArray(rhs) ? rhs : [];
    if (a.listType === 'atomic' || (la.length === 0 && ra.length === 0)) return rhs;
    const out = mergeLists(a, la, ra);
    return out.length > 0 ? out : undefined;
  }
  if (!isObject(rhs) && rhs !== null) return rhs;
  const lm = isObject(lhs) ? lhs : {};
  const rm = isObject(rhs) ? rhs : {};
  if (a.atomic || (Object.keys(lm).length === 0 && Object.keys(rm).length === 0)) return rhs;
  const out: JsonObject = {};
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    const t = fieldType(a, k) ?? ATOMIC_UNTYPED;
    const v = mergeValues(
      Object.hasOwn(lm, k) ? lm[k] : undefined,
      Object.hasOwn(rm, k) ? rm[k] : undefined,
      t,
    );
    if (v !== undefined) setKey(out, k, v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface Indexed {
  ids: string[];
  items: Json[];
  /** Item by id; `null` marks a key that occurs more than once. */
  byId: Map<string, Json | null>;
  dup: Set<string>;
}

function index(t: ListType, list: Json[], tag: string): Indexed {
  const out: Indexed = { ids: [], items: [], byId: new Map(), dup: new Set() };
  list.forEach((item, i) => {
    // An item without a key (only possible in a stored object) keeps its place, unmatched.
    const pe: PathElement = itemElementOrUndefined(t, item) ?? indexElement(i);
    const id = pe.kind === 'index' ? `${tag}${serializeElement(pe)}` : serializeElement(pe);
    if (out.byId.has(id)) out.dup.add(id);
    out.byId.set(id, out.byId.has(id) ? null : item);
    out.ids.push(id);
    out.items.push(item);
  });
  return out;
}

function mergeLists(t: ListType, lhs: Json[], rhs: Json[]): Json[] {
  const L = index(t, lhs, 'lhs');
  const R = index(t, rhs, 'rhs');
  const out: Json[] = [];
  const emit = (l: Json | undefined, r: Json | undefined) => {
    const v = mergeValues(l, r, t.elem);
    if (v !== undefined) out.push(v);
  };
  const lookupL = (id: string) => (L.dup.has(id) ? null : L.byId.get(id));
  const shared = R.ids.filter((id) => L.byId.has(id));
  let next = shared.shift();
  const merged = new Set<string>();
  let li = 0;
  let ri = 0;
  while (li < L.ids.length || ri < R.ids.length) {
    if (li < L.ids.length && ri < R.ids.length) {
      const id = L.ids[li]!;
      if (id === R.ids[ri]) {
        merged.add(id);
        emit(lookupL(id) ?? undefined, R.byId.get(id)!);
        li++;
        ri++;
        next = shared.shift();
        continue;
      }
      if (R.byId.has(id) && next !== undefined && next !== id) {
        li++;
        continue;
      }
    }
    if (li < L.ids.length) {
      const id = L.ids[li]!;
      if (!R.byId.has(id)) {
        emit(L.items[li], undefined);
        li++;
        continue;
      }
      if (merged.has(id)) li++;
    }
    if (ri < R.ids.length) {
      const id = R.ids[ri]!;
      merged.add(id);
      emit(lookupL(id) ?? undefined, R.byId.get(id)!);
      ri++;
      if (next !== undefined && next === id) next = shared.shift();
    }
  }
  return out;
}
