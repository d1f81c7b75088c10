/**
 * Request bodies: read with a size limit (413 past 3 MiB), and decoded by content type
 * into plain objects (JSON, YAML; protobuf from kubectl's generator commands). Malformed
 * input is a 400 that says what is wrong, never a crash.
 */
import type { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { IN_PROCESS_BODY } from '../../client/inprocess.js';
import { Errors } from '../errors.js';
import type { Req } from './types.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * The whole body. An in-process request hands it over as it is; a socket's is gathered from
 * its stream's events (cheaper than an async iterator per request). A body read already
 * is empty; a request that closes before its end fails.
 */
export function readBody(req: Req, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const tooLarge = () => Errors.tooLarge('the request body is too large');
  const declared = Number(req.headers['content-length'] ?? '');
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  const carrier = req as unknown as Record<symbol, Buffer | undefined>;
  const given = carrier[IN_PROCESS_BODY];
  if (given) {
    carrier[IN_PROCESS_BODY] = Buffer.alloc(0);
    return given.length > limit ? Promise.reject(tooLarge()) : Promise.resolve(given);
  }
  const stream = req as unknown as Readable;
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        stream.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => {
      done();
      reject(Errors.badRequest('the request was closed before its body ended'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const t = mediaType(contentType);
  if (t === '' || t === 'application/json' || t === '*/*') return 'json';
  if (t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw Errors.unsupportedMediaType(t);
}

/** Parses JSON or YAML text into a value; errors are 400 BadRequest naming the problem. */
export function parseText(buf: Buffer, format: 'json' | 'yaml'): unknown {
  const text = buf.toString('utf8');
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw Errors.badRequest(`error decoding JSON: ${(err as Error).message}`);
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw Errors.badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A body that must be a JSON object (an API object or options). */
export function asObject(v: unknown, what = 'object'): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw Errors.badRequest(`the body of the request must be a JSON ${what}`);
  }
  return v as Record<string, unknown>;
}
