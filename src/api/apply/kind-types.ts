/**
 * The apply type of a whole kind. Built-in kinds take theirs from the component schemas and
 * the merge markers; kinds without a schema (custom resources, or no schemas given) get typed
 * `metadata` and deduced content elsewhere: maps granular, lists atomic, as the API server
 * does for untyped objects.
 *
 * Pure: component schemas are passed in.
 */
import { schemaNameOf } from '../openapi/kinds.js';
import type { SchemaMap } from '../openapi/schema.js';
import { ATOMIC_UNTYPED, DEDUCED, type ListType, type MapType, namedType, type TypeDef } from './schema.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const STRING: TypeDef = { kind: 'scalar', scalar: 'string' };
const ANY: TypeDef = { kind: 'scalar', scalar: 'any' };

function list(listType: ListType['listType'], elem: TypeDef, keys: string[] = []): ListType {
  return { kind: 'list', listType, keys, keyDefaults: {}, elem };
}

function struct(fields: Record<string, TypeDef>, atomic = false): MapType {
  return {
    kind: 'map',
    atomic,
    field: (n) => (Object.hasOwn(fields, n) ? fields[n] : undefined),
    elem: undefined,
  };
}

const stringMap: MapType = { kind: 'map', atomic: false, field: () => undefined, elem: STRING };

/** ObjectMeta as the markers describe it, for when no component schemas are at hand. */
const BUILTIN_OBJECT_META: MapType = struct({
  name: STRING,
  generateName: STRING,
  namespace: STRING,
  selfLink: STRING,
  uid: STRING,
  resourceVersion: STRING,
  generation: ANY,
  creationTimestamp: ANY,
  deletionTimestamp: ANY,
  deletionGracePeriodSeconds: ANY,
  labels: stringMap,
  annotations: stringMap,
  finalizers: list('set', STRING),
  ownerReferences: list('map', ATOMIC_UNTYPED, ['uid']),
  managedFields: list('atomic', ATOMIC_UNTYPED),
});

function objectMeta(components: SchemaMap | undefined): TypeDef {
  return components?.[OBJECT_META] ? namedType(components, OBJECT_META) : BUILTIN_OBJECT_META;
}

/** The type of an object of a kind without a schema. */
export function untypedKind(components: SchemaMap | undefined): MapType {
  const meta = objectMeta(components);
  return {
    kind: 'map',
    atomic: false,
    field: (n) => (n === 'metadata' ? meta : n === 'apiVersion' || n === 'kind' ? STRING : undefined),
    elem: DEDUCED,
  };
}

/**
 * The apply type of a kind: which lists are associative (and by which keys), sets or atomic,
 * which maps and structs are atomic. Unknown kinds: lists atomic, maps granular.
 */
export function listTypesFor(group: string, version: string, kind: string, components?: SchemaMap): TypeDef {
  const name = components ? schemaNameOf(components, group, version, kind) : undefined;
  return name && components ? namedType(components, name) : untypedKind(components);
}
