/**
 * Decoding an object from a request body for create and update: format by content type,
 * then the checks every write makes (kind and apiVersion match the endpoint, the name in
 * the body matches the URL).
 */

import { JsonSyntaxError, parseJsonStrict } from '../../api/json/index.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KObject } from '../../registry/types.js';
import { Errors } from '../errors.js';
import { asObject, bodyFormat, parseText, readBody } from '../http/body.js';
import type { ResourceCall } from './context.js';
import { checkFields } from './field-validation.js';
import { decodeProtobufBody } from './protobuf.js';

export async function decodeObject(
  call: ResourceCall,
  expectedKind?: string,
  expectedApiVersion?: string,
): Promise<KObject> {
  const format = bodyFormat(call.req.headers['content-type']);
  const buf = await readBody(call.req);
  let duplicates: string[] = [];
  let value: unknown;
  if (format === 'json') {
    try {
      ({ value, duplicates } = parseJsonStrict(buf.toString('utf8')));
    } catch (err) {
      if (err instanceof JsonSyntaxError) throw Errors.badRequest(`error decoding JSON: ${err.message}`);
      throw err;
    }
  } else {
    value = format === 'protobuf' ? decodeProtobufBody(buf) : parseText(buf, format);
  }
  const obj = asObject(value) as KObject;
  const info = call.store.info;
  const kind = expectedKind ?? info.kind;
  const apiVersion = expectedApiVersion ?? apiVersionOf(info);
  if (obj.kind === undefined || obj.kind === '') obj.kind = kind;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersion;
  if (obj.kind !== kind || obj.apiVersion !== apiVersion) {
    throw Errors.badRequest(
      `the object provided is unrecognized (must be of type ${kind}): ${obj.kind} in version "${obj.apiVersion}" cannot be handled as a ${kind}`,
    );
  }
  if (
    obj.metadata !== undefined &&
    (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
  ) {
    throw Errors.badRequest(
      `${kind} in version "${apiVersion}" cannot be handled as a ${kind}: metadata must be an object`,
    );
  }
  if (expectedKind) return obj;
  checkFields(call, obj, duplicates);
  return call.store.in(obj);
}

export function checkNameMatches(obj: KObject, name: string): void {
  const bodyName = obj.metadata?.name;
  if (bodyName !== undefined && bodyName !== name) {
    throw Errors.badRequest(
      `the name of the object (${bodyName}) does not match the name on the URL (${name})`,
    );
  }
}
