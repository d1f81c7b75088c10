/**
 * The OpenAPI v2 document in the protobuf form clients ask for
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's
 * `openapi.v2.Document` message. Only the messages and fields the derived document uses
 * are written; values that are free JSON in Swagger (defaults, enums, examples, `x-`
 * extensions) go into `Any.yaml` as JSON text, which YAML parsers read as flow YAML.
 * Pure.
 */
import { Writer } from '../../util/proto-wire.js';
import type { Json, JsonObject, SwaggerDocument } from './v2.js';

/** What clients send in Accept (kubectl: the '@' form, which is not a valid media type to parse). */
export const OPENAPI_V2_PROTOBUF_ACCEPT = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
/** The Content-Type of the answer, as upstream sends it (Go's media type parser refuses '@'). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const obj = (v: Json | undefined): JsonObject | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: Json | undefined): boolean => v === true;
const strings = (v: Json | undefined): string[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
const objects = (v: Json | undefined): JsonObject[] =>
  Array.isArray(v)
    ? v.flatMap((x) => {
        const o = obj(x);
        return o ? [o] : [];
      })
    : [];

/**
 * gnostic's ordered maps: one Named* { name = 1; value = 2 } at `field` per object-valued
 * entry of `map`, the value written by `value`.
 */
function named(
  w: Writer,
  field: number,
  map: Record<string, Json> | undefined,
  value: (w: Writer, v: JsonObject) => void,
): void {
  for (const [name, v] of Object.entries(map ?? {})) {
    const o = obj(v);
    if (!o) continue;
    w.message(field, (n) => {
      n.string(1, name);
      n.message(2, (x) => value(x, o));
    });
  }
}

/** Any { yaml = 2 }. */
function any(w: Writer, field: number, value: Json): void {
  w.message(field, (m) => m.string(2, JSON.stringify(value)));
}

/** NamedAny { name = 1; value = 2 } for every `x-` key. */
function extensions(w: Writer, field: number, o: JsonObject): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-')) continue;
    w.message(field, (m) => {
      m.string(1, k);
      any(m, 2, v);
    });
  }
}

function int(w: Writer, field: number, v: Json | undefined): void {
  const n = num(v);
  if (n !== undefined && Number.isSafeInteger(n)) w.int64(field, n);
}

function writeSchema(w: Writer, s: JsonObject): void {
  w.string(1, str(s['$ref']));
  w.string(2, str(s['format']));
  w.string(3, str(s['title']));
  w.string(4, str(s['description']));
  if (s['default'] !== undefined) any(w, 5, s['default']);
  w.double(6, num(s['multipleOf']));
  w.double(7, num(s['maximum']));
  w.bool(8, bool(s['exclusiveMaximum']));
  w.double(9, num(s['minimum']));
  w.bool(10, bool(s['exclusiveMinimum']));
  int(w, 11, s['maxLength']);
  int(w, 12, s['minLength']);
  w.string(13, str(s['pattern']));
  int(w, 14, s['maxItems']);
  int(w, 15, s['minItems']);
  w.bool(16, bool(s['uniqueItems']));
  int(w, 17, s['maxProperties']);
  int(w, 18, s['minProperties']);
  for (const r of strings(s['required'])) w.string(19, r);
  const en = s['enum'];
  if (Array.isArray(en)) for (const e of en) any(w, 20, e);
  const ap = s['additionalProperties'];
  const apSchema = obj(ap);
  if (typeof ap === 'boolean') w.message(21, (m) => m.int64(2, ap ? 1 : 0, true));
  else if (apSchema) w.message(21, (m) => m.message(1, (x) => writeSchema(x, apSchema)));
  const type = str(s['type']);
  if (type) w.message(22, (m) => m.string(1, type));
  const items = obj(s['items']);
  if (items) w.message(23, (m) => m.message(1, (x) => writeSchema(x, items)));
  for (const a of objects(s['allOf'])) w.message(24, (x) => writeSchema(x, a));
  const props = obj(s['properties']);
  if (props) w.message(25, (m) => named(m, 1, props, writeSchema));
  w.bool(27, bool(s['readOnly']));
  if (s['example'] !== undefined) any(w, 30, s['example']);
  extensions(w, 31, s);
}

/**
 * Repeated ParametersItem at `field`, each { parameter = 1 } -> Parameter
 * { body_parameter = 1 | non_body_parameter = 2 }.
 */
function writeParameters(w: Writer, field: number, list: Json | undefined): void {
  for (const p of objects(list)) w.message(field, (item) => writeParameter(item, p));
}

function writeParameter(w: Writer, p: JsonObject): void {
  w.message(1, (param) => {
    if (p['in'] === 'body') {
      param.message(1, (b) => {
        b.string(1, str(p['description']));
        b.string(2, str(p['name']));
        b.string(3, 'body');
        b.bool(4, bool(p['required']));
        const schema = obj(p['schema']);
        if (schema) b.message(5, (x) => writeSchema(x, schema));
      });
      return;
    }
    // NonBodyParameter: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4.
    const path = p['in'] === 'path';
    param.message(2, (nb) =>
      nb.message(path ? 4 : 3, (q) => {
        q.bool(1, bool(p['required']));
        q.string(2, str(p['in']));
        q.string(3, str(p['description']));
        q.string(4, str(p['name']));
        q.string(path ? 5 : 6, str(p['type']));
        q.bool(path ? 19 : 20, bool(p['uniqueItems']));
      }),
    );
  });
}

function writeOperation(w: Writer, op: JsonObject): void {
  for (const t of strings(op['tags'])) w.string(1, t);
  w.string(3, str(op['description']));
  w.string(5, str(op['operationId']));
  for (const t of strings(op['produces'])) w.string(6, t);
  for (const t of strings(op['consumes'])) w.string(7, t);
  writeParameters(w, 8, op['parameters']);
  const responses = obj(op['responses']);
  if (responses) {
    // NamedResponseValue -> ResponseValue { response = 1 } -> Response { description = 1; schema = 2 }.
    w.message(9, (rs) =>
      named(rs, 1, responses, (value, resp) =>
        value.message(1, (x) => {
          x.string(1, str(resp['description']));
          const schema = obj(resp['schema']);
          if (schema) x.message(2, (item) => item.message(1, (sc) => writeSchema(sc, schema)));
        }),
      ),
    );
  }
  for (const s of strings(op['schemes'])) w.string(10, s);
  extensions(w, 13, op);
}

const METHOD_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

function writePathItem(w: Writer, item: JsonObject): void {
  for (const [m, field] of Object.entries(METHOD_FIELDS)) {
    const op = obj(item[m]);
    if (op) w.message(field, (x) => writeOperation(x, op));
  }
  writeParameters(w, 9, item['parameters']);
}

/** Document { swagger = 1; info = 2; paths = 8; definitions = 9 }. */
export function encodeSwaggerDocument(doc: SwaggerDocument): Buffer {
  const w = new Writer(4 << 20);
  w.string(1, doc.swagger);
  w.message(2, (info) => {
    info.string(1, doc.info.title);
    info.string(2, doc.info.version);
  });
  w.message(8, (paths) => named(paths, 2, doc.paths, writePathItem));
  w.message(9, (defs) => named(defs, 1, doc.definitions, writeSchema));
  return w.finish();
}
