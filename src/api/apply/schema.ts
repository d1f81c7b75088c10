/**
 * The type of an object as server-side apply needs it: for every node, whether it is a
 * scalar, a list (atomic, set, or map keyed by some fields), a struct (declared fields), a
 * map (any keys), or untyped content whose shape is deduced from the value. Built lazily from
 * the server's OpenAPI component schemas plus the merge markers, which those schemas lack.
 *
 * Pure: the component schemas are passed in (the caller reads them); results are memoized per
 * schema map. Types are immutable once built.
 */
import type { Schema, SchemaMap } from '../openapi/schema.js';
import { refName } from '../openapi/schema.js';
import type { Json } from './json.js';
import {
  ATOMIC_MAPS,
  ATOMIC_STRUCTS,
  KEY_DEFAULTS,
  LIST_MAP_KEYS,
  LIST_SETS,
  markerName,
} from './markers.js';

export interface ScalarType {
  readonly kind: 'scalar';
  /** The JSON type a value must have, when the schema says ('any' for int-or-string and the like). */
  readonly scalar: 'string' | 'number' | 'boolean' | 'any';
}

export interface ListType {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  /** Key fields of a `map` list. */
  readonly keys: readonly string[];
  /** Values used for key fields an item leaves out. */
  readonly keyDefaults: Readonly<Record<string, Json>>;
  readonly elem: TypeDef;
}

export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** Type of a declared (struct) field, or undefined. */
  field(name: string): TypeDef | undefined;
  /** Type of keys that are not declared fields; undefined when only declared fields are allowed. */
  readonly elem: TypeDef | undefined;
}

/** Content without a schema: maps are granular (deduced) or everything is atomic. */
export interface UntypedType {
  readonly kind: 'untyped';
  readonly atomic: boolean;
}

export type TypeDef = ScalarType | ListType | MapType | UntypedType;

/** A node's type resolved against its value: what the walkers dispatch on. */
export type Atom = ScalarType | ListType | MapType;

export const DEDUCED: UntypedType = { kind: 'untyped', atomic: false };
export const ATOMIC_UNTYPED: UntypedType = { kind: 'untyped', atomic: true };
const ANY_SCALAR: ScalarType = { kind: 'scalar', scalar: 'any' };

function plainMap(elem: TypeDef, atomic: boolean): MapType {
  return { kind: 'map', atomic, field: () => undefined, elem };
}

const ATOMIC_LIST: ListType = {
  kind: 'list',
  listType: 'atomic',
  keys: [],
  keyDefaults: {},
  elem: ATOMIC_UNTYPED,
};
const DEDUCED_MAP = plainMap(DEDUCED, false);
const ATOMIC_MAP = plainMap(ATOMIC_UNTYPED, true);

/** The concrete type of a value at a node of type `t`. */
export function atomOf(t: TypeDef, value: Json | undefined): Atom {
  if (t.kind !== 'untyped') return t;
  if (Array.isArray(value)) return ATOMIC_LIST;
  if (typeof value === 'object' && value !== null) return t.atomic ? ATOMIC_MAP : DEDUCED_MAP;
  return ANY_SCALAR;
}

/** The type of a map entry: its declared field type, else the map's element type. */
export function fieldType(m: MapType, name: string): TypeDef | undefined {
  return m.field(name) ?? m.elem;
}

const built = new WeakMap<SchemaMap, Map<string, TypeDef>>();

function cacheFor(components: SchemaMap): Map<string, TypeDef> {
  let c = built.get(components);
  if (!c) {
    c = new Map();
    built.set(components, c);
  }
  return c;
}

/** The type of a named component schema (`io.k8s.api.core.v1.PodSpec`). */
export function namedType(components: SchemaMap, name: string): TypeDef {
  const cache = cacheFor(components);
  let t = cache.get(name);
  if (!t) {
    const s = components[name];
    t = s ? fromSchema(components, s, name, undefined) : DEDUCED;
    cache.set(name, t);
  }
  return t;
}

function refOf(s: Schema): string | undefined {
  const ref = s.$ref ?? s.allOf?.find((x) => x.$ref)?.$ref;
  return ref ? refName(ref) : undefined;
}

/**
 * The type of a schema found at `owner.field` (for the field markers) or named `typeName`
 * (for the struct markers).
 */
function fromSchema(
  components: SchemaMap,
  s: Schema,
  typeName: string | undefined,
  at: string | undefined,
): TypeDef {
  const ref = refOf(s);
  if (ref) return namedType(components, ref);
  if (s['x-kubernetes-preserve-unknown-fields']) return DEDUCED;
  if (s['x-kubernetes-int-or-string'] || s.oneOf) return ANY_SCALAR;
  switch (s.type) {
    case 'string':
      return { kind: 'scalar', scalar: 'string' };
    case 'integer':
    case 'number':
      return { kind: 'scalar', scalar: 'number' };
    case 'boolean':
      return { kind: 'scalar', scalar: 'boolean' };
    case 'array':
      return listFromSchema(components, s, at);
    case 'object':
      return objectFromSchema(components, s, typeName, at);
    default:
      return DEDUCED;
  }
}

function listFromSchema(components: SchemaMap, s: Schema, at: string | undefined): ListType {
  const marker = at ? markerName(at) : '';
  const keys = LIST_MAP_KEYS[marker];
  const items = s.items;
  const elemName = items ? refOf(items) : undefined;
  const keyDefaults: Record<string, Json> = {};
  for (const k of keys ?? []) {
    const d = elemName ? KEY_DEFAULTS[`${markerName(elemName)}.${k}`] : undefined;
    if (d !== undefined) keyDefaults[k] = d;
  }
  let elem: TypeDef | undefined;
  return {
    kind: 'list',
    listType: keys ? 'map' : LIST_SETS.has(marker) ? 'set' : 'atomic',
    keys: keys ?? [],
    keyDefaults,
    get elem() {
      elem ??= items ? fromSchema(components, items, undefined, undefined) : DEDUCED;
      return elem;
    },
  };
}

function objectFromSchema(
  components: SchemaMap,
  s: Schema,
  typeName: string | undefined,
  at: string | undefined,
): TypeDef {
  const props = s.properties;
  if (props) {
    const fields = new Map<string, TypeDef>();
    const owner = typeName;
    return {
      kind: 'map',
      atomic: owner !== undefined && ATOMIC_STRUCTS.has(markerName(owner)),
      field(name) {
        if (!Object.hasOwn(props, name)) return undefined;
        let t = fields.get(name);
        if (!t) {
          t = fromSchema(components, props[name]!, undefined, owner ? `${owner}.${name}` : undefined);
          fields.set(name, t);
        }
        return t;
      },
      elem: undefined,
    };
  }
  const ap = s.additionalProperties;
  if (ap && typeof ap === 'object') {
    let elem: TypeDef | undefined;
    return {
      kind: 'map',
      atomic: at !== undefined && ATOMIC_MAPS.has(markerName(at)),
      field: () => undefined,
      get elem() {
        elem ??= fromSchema(components, ap, undefined, undefined);
        return elem;
      },
    };
  }
  return DEDUCED;
}
