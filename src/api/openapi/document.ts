/**
 * Assembles OpenAPI v3 documents: the paths of one group version (or of a discovery
 * endpoint) plus the component schemas reachable from them, and nothing else, so each
 * document stays small. Pure: schemas are passed in; the result is a fresh object.
 */
import { groupVersions } from '../resources.js';
import { schemaNameOf } from './kinds.js';
import { groupVersionPart, META, operation, responses, tagOf } from './operations.js';
import { groupVersionPaths } from './paths.js';
import type { OpenApiDocument, PathItem, Schema, SchemaMap } from './schema.js';
import { refName } from './schema.js';

export const INFO = { title: 'Kubernetes', version: 'v1.32.0' };

/** Every `$ref` target name inside `value`. */
function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = refName(v);
        if (name) into.add(name);
      } else {
        collectRefs(v, into);
      }
    }
  }
}

/** The schemas reachable from `paths`, transitively, sorted by name. */
export function reachableSchemas(
  paths: Record<string, PathItem>,
  schemas: SchemaMap,
): Record<string, Schema> {
  const seen = new Set<string>();
  collectRefs(paths, seen);
  const queue = [...seen];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const schema = schemas[name];
    if (!schema) continue;
    const refs = new Set<string>();
    collectRefs(schema, refs);
    for (const r of refs) {
      if (!seen.has(r)) {
        seen.add(r);
        queue.push(r);
      }
    }
  }
  const out: Record<string, Schema> = {};
  for (const name of [...seen].sort()) {
    const schema = schemas[name];
    if (schema) out[name] = schema;
  }
  return out;
}

export function buildDocument(paths: Record<string, PathItem>, schemas: SchemaMap): OpenApiDocument {
  return { components: { schemas: reachableSchemas(paths, schemas) }, info: INFO, openapi: '3.0.0', paths };
}

/** The key of a group version in the /openapi/v3 root: `api/v1`, `apis/apps/v1`. */
export function groupVersionKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function discoveryPath(
  path: string,
  operationId: string,
  schemaName: string,
  tag: string,
): Record<string, PathItem> {
  return {
    [path]: {
      get: operation({
        description: 'get available API versions',
        operationId,
        responses: responses({ '200': 'OK' }, schemaName),
        tag,
      }),
    },
  };
}

/**
 * The paths of the document served at /openapi/v3/<key>, or undefined for an unknown key.
 * Keys: `api`, `apis`, `version`, `apis/<group>`, and one per group version.
 */
export function documentPaths(key: string, schemas: SchemaMap): Record<string, PathItem> | undefined {
  if (key === 'api') return discoveryPath('/api/', 'getCoreAPIVersions', `${META}.APIVersions`, 'core');
  if (key === 'apis') return discoveryPath('/apis/', 'getAPIVersions', `${META}.APIGroupList`, 'apis');
  if (key === 'version') {
    return discoveryPath('/version/', 'getCodeVersion', 'io.k8s.apimachinery.pkg.version.Info', 'version');
  }
  const lookup = (g: string, v: string, k: string) => schemaNameOf(schemas, g, v, k);
  for (const { group, versions } of groupVersions()) {
    if (group !== '' && key === `apis/${group}`) {
      const gp = groupVersionPart(group, '');
      return discoveryPath(
        `/apis/${group}/`,
        `get${gp}APIGroup`,
        `${META}.APIGroup`,
        tagOf(group, '').replace(/_$/, ''),
      );
    }
    for (const version of versions) {
      if (key === groupVersionKey(group, version)) return groupVersionPaths(group, version, lookup);
    }
  }
  return undefined;
}

/** Every key of the /openapi/v3 root, sorted. */
export function documentKeys(): string[] {
  const keys = ['api', 'apis', 'version'];
  for (const { group, versions } of groupVersions()) {
    if (group !== '') keys.push(`apis/${group}`);
    for (const v of versions) keys.push(groupVersionKey(group, v));
  }
  return keys.sort();
}
