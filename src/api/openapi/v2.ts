/**
 * The OpenAPI v2 (Swagger 2.0) document of the whole API, derived from the v3 documents:
 * every path of every group version and every component schema as a definition. Clients
 * still read it: kubectl 1.32 falls back to it for kinds that have no PATCH operation in
 * v3 (TokenReview, SubjectAccessReview, ...) to decide on client-side validation, and
 * validates such objects against its definitions. v3 constructs that v2 lacks are mapped
 * as upstream's v2 document has them: a lone `allOf` reference becomes `$ref`, request
 * bodies become `body` parameters, response content becomes `schema` plus `produces`.
 * Pure; built on first use by the caller.
 */
import type { MediaType, Operation, Parameter, PathItem, Schema } from './schema.js';
import { REF_PREFIX } from './schema.js';

const DEFINITIONS_PREFIX = '#/definitions/';

/** A Swagger 2.0 value: plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
}

/** `#/components/schemas/X` -> `#/definitions/X`. */
function ref(r: string): string {
  return r.startsWith(REF_PREFIX) ? DEFINITIONS_PREFIX + r.slice(REF_PREFIX.length) : r;
}

/** A v3 schema as a v2 schema. */
export function schemaV2(s: Schema): JsonObject {
  const src = s as Record<string, unknown>;
  const out: JsonObject = {};
  const lone = s.allOf?.length === 1 && s.allOf[0]?.$ref ? s.allOf[0].$ref : undefined;
  if (lone) out['$ref'] = ref(lone);
  for (const [k, v] of Object.entries(src)) {
    if (v === undefined) continue;
    switch (k) {
      case '$ref':
        out[k] = ref(v as string);
        break;
      case 'allOf':
        if (!lone) out[k] = (v as Schema[]).map(schemaV2);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'nullable':
        break; // no v2 form; the int-or-string and preserve-unknown extensions remain
      case 'properties':
        out[k] = Object.fromEntries(
          Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, schemaV2(p)]),
        );
        break;
      case 'items':
        out[k] = schemaV2(v as Schema);
        break;
      case 'additionalProperties':
        out[k] = typeof v === 'boolean' ? v : schemaV2(v as Schema);
        break;
      default:
        out[k] = v as Json;
    }
  }
  return out;
}

function parameterV2(p: Parameter): JsonObject {
  const out: JsonObject = { description: p.description, in: p.in, name: p.name };
  if (p.required) out['required'] = true;
  out['type'] = p.schema.type;
  if (p.schema.uniqueItems) out['uniqueItems'] = true;
  return out;
}

/** The one schema of a v3 content map (all media types carry the same one) and its types. */
function content(c: Record<string, MediaType> | undefined): { schema?: JsonObject; types: string[] } {
  if (!c) return { types: [] };
  const types = Object.keys(c);
  const first = types[0] === undefined ? undefined : c[types[0]];
  return { ...(first ? { schema: schemaV2(first.schema) } : {}), types };
}

export function operationV2(op: Operation): JsonObject {
  const out: JsonObject = { description: op.description };
  const body = content(op.requestBody?.content);
  if (body.types.length > 0) out['consumes'] = body.types;
  out['operationId'] = op.operationId;
  const params: Json[] = (op.parameters ?? []).map(parameterV2);
  if (body.schema) params.unshift({ in: 'body', name: 'body', required: true, schema: body.schema });
  if (params.length > 0) out['parameters'] = params;
  const produces = new Set<string>();
  const responses: JsonObject = {};
  for (const [code, r] of Object.entries(op.responses)) {
    const c = content(r.content);
    for (const t of c.types) produces.add(t);
    responses[code] = { description: r.description, ...(c.schema ? { schema: c.schema } : {}) };
  }
  if (produces.size > 0) out['produces'] = [...produces];
  out['responses'] = responses;
  out['schemes'] = ['https'];
  out['tags'] = op.tags;
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v as Json;
  return out;
}

function pathItemV2(item: PathItem): JsonObject {
  const out: JsonObject = {};
  for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const) {
    const op = item[m];
    if (op) out[m] = operationV2(op);
  }
  if (item.parameters) out['parameters'] = item.parameters.map(parameterV2);
  return out;
}

export function swaggerDocument(
  info: { title: string; version: string },
  paths: Record<string, PathItem>,
  schemas: Record<string, Schema>,
): SwaggerDocument {
  const sortedPaths = Object.keys(paths).sort();
  return {
    swagger: '2.0',
    info,
    paths: Object.fromEntries(sortedPaths.map((p) => [p, pathItemV2(paths[p]!)])),
    definitions: Object.fromEntries(
      Object.keys(schemas)
        .sort()
        .map((n) => [n, schemaV2(schemas[n]!)]),
    ),
  };
}
