/**
 * The OpenAPI v3 surface of the API server: the `/openapi/v3` root listing one document
 * per group version (each URL carrying a content hash, upper-case hex SHA-512 as upstream),
 * the documents themselves, and the field check behind `fieldValidation=Strict`.
 * Documents are built on first use and kept; callers must not mutate what they get back.
 * The HTTP layer lives elsewhere: this module only builds bodies.
 */
import { createHash } from 'node:crypto';
import { buildDocument, documentKeys, documentPaths, INFO } from './document.js';
import { schemaNameOf } from './kinds.js';
import { componentSchemas } from './load.js';
import type { OpenApiDocument, PathItem } from './schema.js';
import { unknownFieldsOf } from './unknown-fields.js';
import { swaggerDocument } from './v2.js';
import { encodeSwaggerDocument } from './v2-protobuf.js';

export type { OpenApiDocument } from './schema.js';
export { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_ACCEPT } from './v2-protobuf.js';

/** A built document with its serialized bytes and hash, ready to send. */
export interface ServedDocument {
  document: OpenApiDocument;
  json: string;
  hash: string;
}

const served = new Map<string, ServedDocument | null>();
let root: { paths: Record<string, { serverRelativeURL: string }> } | undefined;

/** The document at /openapi/v3/<key> (`api/v1`, `apis/apps/v1`, `api`, `apis`, ...). */
export function openApiV3Served(key: string): ServedDocument | undefined {
  const k = key.replace(/^\/+|\/+$/g, '');
  const hit = served.get(k);
  if (hit !== undefined) return hit ?? undefined;
  const schemas = componentSchemas();
  const paths = documentPaths(k, schemas);
  if (!paths) {
    served.set(k, null);
    return undefined;
  }
  const document = buildDocument(paths, schemas);
  const json = JSON.stringify(document);
  const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
  const doc = { document, hash, json };
  served.set(k, doc);
  return doc;
}

/** The OpenAPI v2 document of the whole API, as JSON and as protobuf, with its ETag. */
export interface ServedV2 {
  json: Buffer;
  protobuf: Buffer;
  etag: string;
}

let v2: ServedV2 | undefined;

/** The body of `GET /openapi/v2`: every path of every document, and the schemas they reach. */
export function openApiV2Served(): ServedV2 {
  if (v2) return v2;
  const schemas = componentSchemas();
  const paths: Record<string, PathItem> = {};
  for (const key of documentKeys()) Object.assign(paths, documentPaths(key, schemas));
  const v3 = buildDocument(paths, schemas);
  const doc = swaggerDocument(INFO, v3.paths, v3.components.schemas);
  const json = Buffer.from(JSON.stringify(doc));
  const etag = `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`;
  v2 = { json, protobuf: encodeSwaggerDocument(doc), etag };
  return v2;
}

/** The OpenAPI 3.0 document for a group version path such as `api/v1` or `apis/apps/v1`. */
export function openApiV3Document(groupVersionPath: string): object | undefined {
  return openApiV3Served(groupVersionPath)?.document;
}

/** The body of `GET /openapi/v3`. */
export function openApiV3Root(): { paths: Record<string, { serverRelativeURL: string }> } {
  if (root) return root;
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of documentKeys()) {
    const doc = openApiV3Served(key);
    if (doc) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  }
  root = { paths };
  return root;
}

/**
 * Paths of the fields of `obj` that the schema of group/version/kind does not know, named
 * as the API server's strict decoding errors name them (`spec.replicass`,
 * `spec.template.spec.containers[0].imagee`). Empty when the kind has no schema.
 */
export function findUnknownFields(obj: unknown, group: string, version: string, kind: string): string[] {
  const schemas = componentSchemas();
  const name = schemaNameOf(schemas, group, version, kind);
  if (!name) return [];
  return unknownFieldsOf(obj, name, schemas);
}

/** The top-level field names of a kind, or undefined when it has no schema. */
export function knownFields(group: string, version: string, kind: string): string[] | undefined {
  const schemas = componentSchemas();
  const name = schemaNameOf(schemas, group, version, kind);
  const props = name ? schemas[name]?.properties : undefined;
  return props ? Object.keys(props) : undefined;
}
