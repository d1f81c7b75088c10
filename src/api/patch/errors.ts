/**
 * The one error type the patch functions throw. It says whether the patch itself is malformed
 * or whether a well-formed patch does not fit the object; the API server maps the kind to an
 * HTTP status in its error catalogue. Nothing here knows about HTTP.
 */

/**
 * - `invalid`: the patch document is malformed (not the right JSON shape, an unknown operation
 *   or directive, a list element without its merge key). The server answers 400 BadRequest.
 * - `conflict`: a well-formed JSON patch does not apply to this object (a `test` failed, a path
 *   is missing, an index is out of range). The server answers 422 with Kubernetes' wording,
 *   "the server rejected our request due to an error in our request", and this message as the
 *   cause.
 */
export type PatchErrorKind = 'invalid' | 'conflict';

export class PatchError extends Error {
  constructor(
    readonly kind: PatchErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export function invalidPatch(message: string): PatchError {
  return new PatchError('invalid', message);
}

export function patchConflict(message: string): PatchError {
  return new PatchError('conflict', message);
}
