/**
 * Turns the CRI v1 schema (./proto.ts) into grpc-js service clients. Parsing happens once,
 * on first use. Codec choices, which ./types.ts mirrors: snake_case field names, enums as
 * names, 64-bit integers as decimal strings, defaults filled in on decode. Does no I/O.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { CRI_V1_PROTO } from './proto.js';

export interface CriServiceConstructors {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let cached: CriServiceConstructors | undefined;

export function criServices(): CriServiceConstructors {
  if (cached) return cached;
  const parsed = protobuf.parse(CRI_V1_PROTO, { keepCase: true });
  const def = protoLoader.fromJSON(parsed.root.toJSON(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(def);
  const runtime = loaded['runtime'] as grpc.GrpcObject;
  const v1 = runtime['v1'] as grpc.GrpcObject;
  cached = {
    RuntimeService: v1['RuntimeService'] as grpc.ServiceClientConstructor,
    ImageService: v1['ImageService'] as grpc.ServiceClientConstructor,
  };
  return cached;
}
