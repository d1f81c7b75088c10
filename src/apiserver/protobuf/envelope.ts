/**
 * The Kubernetes protobuf envelope: the magic bytes `k8s\0`, then a runtime.Unknown message
 * (1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType) whose `raw` is
 * the object's own message. decodeKubernetesProtobuf turns a whole request body into the JSON
 * object, with apiVersion and kind taken from typeMeta. It never checks that the kind suits
 * the endpoint; the caller does that, as it does for JSON.
 */
import { decodeMessage } from './decode.js';
import { malformed, unsupported } from './errors.js';
import { hasProtobufMagic, PROTOBUF_MAGIC } from './magic.js';
import type { Schema } from './schema.js';
import { builtinSchema, messageForKind } from './schemas/index.js';
import { BYTES, readFields, toText, type WireField } from './wire.js';

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/**
 * Decodes a `k8s\0` body. Throws ProtobufDecodeError: `malformed` for bytes that are not a
 * valid envelope or message, `unsupported` for a kind with no schema or an unknown content
 * encoding or type.
 */
export function decodeKubernetesProtobuf(
  buf: Uint8Array,
  schema: Schema = builtinSchema(),
  depth = 0,
): Record<string, unknown> {
  if (!hasProtobufMagic(buf)) {
    throw malformed('the body does not start with the protobuf magic bytes "k8s\\x00"');
  }
  const u = readUnknown(buf.subarray(PROTOBUF_MAGIC.length));
  if (u.kind === '') throw malformed("the object's typeMeta has no kind");
  if (u.contentEncoding !== '') {
    throw unsupported(`content encoding "${u.contentEncoding}" is not supported in a protobuf body`);
  }
  const head = { apiVersion: u.apiVersion, kind: u.kind };
  if (u.contentType === 'application/json') return { ...parseJson(u.raw), ...head };
  if (u.contentType !== '' && u.contentType !== 'application/vnd.kubernetes.protobuf') {
    throw unsupported(`content type "${u.contentType}" is not supported inside a protobuf body`);
  }
  const message = messageForKind(u.apiVersion, u.kind);
  if (message === undefined)
    throw unsupported(`no kind "${u.kind}" is registered for version "${u.apiVersion}"`);
  const body = decodeMessage(
    schema,
    message,
    u.raw,
    {
      nested: (raw, d) => decodeKubernetesProtobuf(raw, schema, d),
    },
    depth,
  );
  return { ...head, ...body };
}

function readUnknown(bytes: Uint8Array): Unknown {
  const u: Unknown = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(),
    contentEncoding: '',
    contentType: '',
  };
  for (const wf of readFields(bytes)) {
    switch (wf.num) {
      case 1:
        for (const tf of readFields(delimited(wf, 'typeMeta'))) {
          if (tf.num === 1) u.apiVersion = toText(delimited(tf, 'typeMeta.apiVersion'));
          else if (tf.num === 2) u.kind = toText(delimited(tf, 'typeMeta.kind'));
        }
        break;
      case 2:
        u.raw = delimited(wf, 'raw');
        break;
      case 3:
        u.contentEncoding = toText(delimited(wf, 'contentEncoding'));
        break;
      case 4:
        u.contentType = toText(delimited(wf, 'contentType'));
        break;
    }
  }
  return u;
}

function delimited(wf: WireField, what: string): Uint8Array {
  if (wf.type !== BYTES) throw malformed(`envelope ${what} has wire type ${wf.type}, want length-delimited`);
  return wf.bytes;
}

function parseJson(raw: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(toText(raw));
  } catch (err) {
    throw malformed(`the JSON inside the protobuf envelope does not parse: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('the JSON inside the protobuf envelope is not an object');
  }
  return value as Record<string, unknown>;
}
