/**
 * PATCH bodies: JSON patch, JSON merge patch, strategic merge patch, and apply patches
 * (server-side apply, for now merged like a strategic patch without field ownership).
 * A malformed patch is 400; a patch that cannot apply to the object is 422.
 */
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  type Json,
  PatchError,
  patchMetaFor,
} from '../../api/patch/index.js';
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
  if (kind === 'apply') {
    const applied = asObject(patch, 'object') as KObject;
    if (!current) return applied;
    return withPatchErrors(() =>
      applyStrategicMergePatch(
        current as Json,
        applied as Json,
        patchMetaFor(store.info.group, store.info.version, store.info.kind),
      ),
    );
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
