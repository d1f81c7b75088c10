/**
 * The shapes of the OpenAPI v3 pieces this server serves: component schemas (as written by
 * scripts/gen-openapi.mjs into dist/openapi/schemas.json), operations, parameters and
 * documents. Pure types and tiny helpers; no I/O.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The subset of an OpenAPI v3 schema object that the generated schemas use. */
export interface Schema {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

/** Component schemas by name (`io.k8s.api.core.v1.Pod`). */
export type SchemaMap = Readonly<Record<string, Schema>>;

/** The file written by the generator. */
export interface SchemaFile {
  source: string;
  schemas: Record<string, Schema>;
}

export const REF_PREFIX = '#/components/schemas/';

/** `#/components/schemas/X` for a schema name. */
export function refTo(name: string): string {
  return REF_PREFIX + name;
}

/** The schema name a `$ref` points at, or undefined for references outside components. */
export function refName(ref: string): string | undefined {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  schema: { type: string; uniqueItems: true };
}

export interface MediaType {
  schema: Schema;
}

export interface Operation {
  description: string;
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType>; required: true };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
  tags: string[];
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind;
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

export type PathItem = { [M in Method]?: Operation } & { parameters?: Parameter[] };

export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema> };
}
