/**
 * fieldValidation (Strict, Warn, Ignore): unknown and duplicate fields in a written object
 * are a 400 under Strict, `Warning` headers under Warn (the default), and nothing under
 * Ignore. Unknown fields are judged against the OpenAPI schema of the kind.
 */

import { strictDecodingErrors, strictDecodingMessage } from '../../api/json/index.js';
import { findUnknownFields } from '../../api/openapi/index.js';
import { Errors } from '../errors.js';
import type { ResourceCall } from './context.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation') ?? 'Warn';
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
    throw Errors.badRequest(
      `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return v;
}

/** Checks `obj` (of the call's resource, or of `kind` in `group/version`) and applies the policy. */
export function checkFields(
  call: ResourceCall,
  obj: unknown,
  duplicates: string[] = [],
  gvk: { group: string; version: string; kind: string } = call.store.info,
): void {
  const mode = fieldValidation(call.query);
  if (mode === 'Ignore') return;
  const unknown = findUnknownFields(obj, gvk.group, gvk.version, gvk.kind);
  if (unknown.length === 0 && duplicates.length === 0) return;
  if (mode === 'Strict') throw Errors.badRequest(strictDecodingMessage(unknown, duplicates));
  for (const w of strictDecodingErrors(unknown, duplicates)) call.ctx.warnings.push(w);
  call.res.setHeader(
    'warning',
    call.ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`),
  );
}
