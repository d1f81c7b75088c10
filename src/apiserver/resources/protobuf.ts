/**
 * Protobuf request bodies (kubectl's `create <kind>` generators send them): decoded into the
 * same JSON object a JSON body gives, then checked like one by the caller. Decode failures
 * become API errors here: malformed bytes are 400 BadRequest; a kind, encoding or content type
 * this server has no protobuf schema for is 415 UnsupportedMediaType, with the reason as a
 * cause. Anything else the decoder throws is a bug and propagates (a logged 500).
 */
import { Errors } from '../errors.js';
import { decodeKubernetesProtobuf, isProtobufDecodeError } from '../protobuf/index.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export function decodeProtobufBody(buf: Buffer): unknown {
  try {
    return decodeKubernetesProtobuf(buf);
  } catch (err) {
    if (!isProtobufDecodeError(err)) throw err;
    if (err.problem === 'malformed') throw Errors.badRequest(`error decoding protobuf body: ${err.message}`);
    const apiError = Errors.unsupportedMediaType(PROTOBUF);
    apiError.details?.causes?.push({ type: 'FieldValueNotSupported', message: err.message });
    throw apiError;
  }
}
