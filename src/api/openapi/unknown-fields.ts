/**
 * Finds the fields of an object that its schema does not describe, for
 * `fieldValidation=Strict|Warn`. Paths are spelled as the API server's strict decoder spells
 * them: keys joined with ".", list items as "[i]" (`spec.template.spec.containers[0].imagee`),
 * map keys like fields (`metadata.labels`'s keys are free, so they never appear).
 * Pure: reads the schemas it is given; never changes the object.
 *
 * Rules: a key is known if the schema lists it in `properties`, or the schema has
 * `additionalProperties` (a map: any key, the value checked against it). An object schema
 * with neither (RawExtension, FieldsV1, JSON) and any subtree marked
 * `x-kubernetes-preserve-unknown-fields` accepts anything. Values of the wrong type are left to
 * validation and not reported here.
 */
import type { Schema, SchemaMap } from './schema.js';
import { refName } from './schema.js';

/** At most this many paths are reported, like the upstream decoder. */
const MAX_ERRORS = 100;

const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
const JSON_SCHEMA_PROPS = `${APIEXT}.JSONSchemaProps`;
/** Unions of a JSON schema and something else: their object (and array) form is checked as a schema. */
const SCHEMA_UNIONS = new Set([
  `${APIEXT}.JSONSchemaPropsOrArray`,
  `${APIEXT}.JSONSchemaPropsOrBool`,
  `${APIEXT}.JSONSchemaPropsOrStringArray`,
]);

type Resolve = (name: string) => Schema | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Follows `$ref` and single-element `allOf` wrappers; keeps the last reference's name. */
function resolveSchema(schema: Schema, resolve: Resolve): { schema: Schema; name?: string } {
  let s = schema;
  let name: string | undefined;
  for (let depth = 0; depth < 16; depth++) {
    const ref = s.$ref ?? (s.allOf?.length === 1 && !s.properties ? s.allOf[0]?.$ref : undefined);
    if (!ref) break;
    const n = refName(ref);
    const target = n ? resolve(n) : undefined;
    if (!target) break;
    name = n;
    s = target;
  }
  return name === undefined ? { schema: s } : { name, schema: s };
}

function walk(value: unknown, schema: Schema, path: string, resolve: Resolve, out: string[]): void {
  if (out.length >= MAX_ERRORS) return;
  const { schema: s, name } = resolveSchema(schema, resolve);
  if (s['x-kubernetes-preserve-unknown-fields']) return;

  if (name && SCHEMA_UNIONS.has(name)) {
    const props = resolve(JSON_SCHEMA_PROPS);
    if (!props) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], props, `${path}[${i}]`, resolve, out);
    } else if (isPlainObject(value)) {
      walk(value, props, path, resolve, out);
    }
    return;
  }

  if (Array.isArray(value)) {
    if (!s.items) return;
    for (let i = 0; i < value.length && out.length < MAX_ERRORS; i++)
      walk(value[i], s.items, `${path}[${i}]`, resolve, out);
    return;
  }
  if (!isPlainObject(value)) return;

  const props = s.properties;
  const extra = s.additionalProperties;
  if (!props && extra === undefined) return; // free-form object
  for (const [key, child] of Object.entries(value)) {
    if (out.length >= MAX_ERRORS) return;
    const prop = props?.[key];
    if (prop) walk(child, prop, join(path, key), resolve, out);
    else if (typeof extra === 'object') walk(child, extra, join(path, key), resolve, out);
    else if (extra !== true) out.push(join(path, key));
  }
}

/** Unknown field paths of `value` checked against `schema`, resolving references with `resolve`. */
export function unknownFieldsAgainst(value: unknown, schema: Schema, resolve: Resolve): string[] {
  const out: string[] = [];
  walk(value, schema, '', resolve, out);
  return out;
}

/** Unknown field paths of an object of the kind whose schema is `schemas[name]`. */
export function unknownFieldsOf(obj: unknown, name: string, schemas: SchemaMap): string[] {
  const schema = schemas[name];
  if (!schema) return [];
  const resolve: Resolve = (n) => schemas[n];
  if (!isPlainObject(obj)) return [];
  // apiVersion, kind and metadata are always known at the top level (metadata is still checked).
  const out: string[] = [];
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  walk(rest, schema, '', resolve, out);
  return out;
}
