/**
 * The four bytes `k8s\0` that open every Kubernetes protobuf object, at the top of a body and
 * inside a RawExtension that holds a nested object.
 */

export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

export function hasProtobufMagic(bytes: Uint8Array): boolean {
  return bytes.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}
