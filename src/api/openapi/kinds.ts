/**
 * Finds the component schema of a group/version/kind through the schemas'
 * `x-kubernetes-group-version-kind` lists. Pure: the schema map is passed in, and the index
 * built from it is kept beside it (a WeakMap), so each map is indexed once.
 */
import type { SchemaMap } from './schema.js';

const indexes = new WeakMap<SchemaMap, Map<string, string>>();

function key(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function indexOf(schemas: SchemaMap): Map<string, string> {
  let index = indexes.get(schemas);
  if (index) return index;
  index = new Map();
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const k = key(gvk.group, gvk.version, gvk.kind);
      if (!index.has(k)) index.set(k, name);
    }
  }
  indexes.set(schemas, index);
  return index;
}

/** Name of the schema for a kind (`io.k8s.api.apps.v1.Deployment`), or undefined. */
export function schemaNameOf(
  schemas: SchemaMap,
  group: string,
  version: string,
  kind: string,
): string | undefined {
  return indexOf(schemas).get(key(group, version, kind));
}
