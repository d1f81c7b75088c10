/**
 * PATCH bodies: JSON patch, JSON merge patch, strategic merge patch, and apply patches
 * (server-side apply: the configuration is merged in and its fields owned by the
 * `fieldManager`, with conflicts answered 409 unless `force=true`).
 * A malformed patch is 400; a patch that cannot apply to the object is 422.
 */
import { ApplyError, apply, conflictCauses, conflictMessage, listTypesFor } from '../../api/apply/index.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  type Json,
  PatchError,
  patchMetaFor,
} from '../../api/patch/index.js';
import { timestamp } from '../../registry/generic/meta.js';
import { applyTypeOf } from '../../registry/generic/write.js';
import type { KObject } from '../../registry/types.js';
import { ApiError, Errors } from '../errors.js';
import { asObject, parseText } from '../http/body.js';
import type { ResourceCall } from './context.js';
import { checkFields } from './field-validation.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

const KINDS: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function patchKind(contentType: string): PatchKind {
  const k = KINDS[contentType];
  if (!k) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  return k;
}

export function applyPatchBody(
  call: ResourceCall,
  kind: PatchKind,
  body: Buffer,
  current: KObject | undefined,
): KObject {
  // Patches apply to the object as this endpoint's version shows it.
  const patched = patchObject(call, kind, body, current && call.store.out(current));
  // The stored object had no unknown fields: any found now came with the patch.
  if (patched.kind === call.store.info.kind) checkFields(call, patched);
  return call.store.in(patched);
}

function patchObject(
  call: ResourceCall,
  kind: PatchKind,
  body: Buffer,
  current: KObject | undefined,
): KObject {
  const { store, info } = call;
  const patch = parseText(body, kind === 'apply' ? 'yaml' : 'json') as Json;
  if (kind === 'apply') return applyConfiguration(call, asObject(patch, 'object'), current);
  if (call.query.has('force')) {
    throw patchOptionsInvalid('Forbidden', 'force', 'Forbidden: may not be specified for non-apply patch');
  }
  if (!current) return store.notFound(info.name);
  return withPatchErrors(() => {
    switch (kind) {
      case 'json':
        return applyJsonPatch(current as Json, patch);
      case 'merge':
        return applyMergePatch(current as Json, patch);
      case 'strategic':
        return applyStrategicMergePatch(
          current as Json,
          patch,
          patchMetaFor(store.info.group, store.info.version, store.info.kind),
        );
    }
  });
}

function patchOptionsInvalid(type: string, field: string, detail: string): ApiError {
  return Errors.invalid(
    'PatchOptions',
    'meta.k8s.io',
    '',
    [{ type: `FieldValue${type}`, field, message: detail }],
    `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${detail}`,
  );
}

/** Go's strconv.ParseBool, as query parameters are decoded. */
function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw Errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/**
 * Server-side apply of a configuration for the request's `fieldManager` (required). The
 * scale subresource applies to the Scale view, whose ownership is recorded as an update.
 */
function applyConfiguration(call: ResourceCall, applied: object, current: KObject | undefined): KObject {
  const { store, info, query } = call;
  const manager = query.get('fieldManager') ?? '';
  if (!manager)
    throw patchOptionsInvalid('Required', 'fieldManager', 'Required value: is required for apply patch');
  const force = queryBool(query, 'force');
  const scale = info.subresource === 'scale';
  const { group, version } = store.info;
  let r: ReturnType<typeof apply>;
  try {
    r = apply(current, applied, manager, {
      force,
      apiVersion: scale ? 'autoscaling/v1' : group ? `${group}/${version}` : version,
      kind: scale ? 'Scale' : store.info.kind,
      now: timestamp(call.now),
      schema: scale ? listTypesFor('autoscaling', 'v1', 'Scale') : applyTypeOf(store),
      ...(info.subresource ? { subresource: info.subresource } : {}),
    });
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    // The API server answers malformed configurations it cannot type with a bare 500.
    throw err.code === 400 ? Errors.badRequest(err.message) : new ApiError(500, '', err.message);
  }
  if ('conflicts' in r) {
    throw new ApiError(409, 'Conflict', conflictMessage(r.conflicts), {
      causes: conflictCauses(r.conflicts),
    });
  }
  return r.object as KObject;
}

function withPatchErrors(f: () => Json): KObject {
  let out: Json;
  try {
    out = f();
  } catch (err) {
    if (err instanceof PatchError) {
      if (err.kind === 'invalid') throw Errors.badRequest(err.message);
      throw new ApiError(422, 'Invalid', err.message);
    }
    throw err;
  }
  return asObject(out, 'object') as KObject;
}
