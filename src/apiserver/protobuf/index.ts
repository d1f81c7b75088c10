/**
 * Kubernetes protobuf request bodies, decoded into the JSON objects the API server handles.
 * What other components may use; everything else in this folder is internal.
 */
export { decodeKubernetesProtobuf } from './envelope.js';
export { isProtobufDecodeError, ProtobufDecodeError, type ProtobufProblem } from './errors.js';
export { hasProtobufMagic, PROTOBUF_MAGIC } from './magic.js';
export { messageForKind, registeredKinds } from './schemas/index.js';
