/**
 * Protobuf request bodies (kubectl's `create <kind>` generators send them). Not decoded
 * yet: answered with 415 so the client sees a clear error instead of a misparse.
 */
import { Errors } from '../errors.js';

export function decodeProtobufBody(_buf: Buffer): unknown {
  throw Errors.unsupportedMediaType('application/vnd.kubernetes.protobuf');
}
