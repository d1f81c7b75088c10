/**
 * The one error selectors raise: a selector that does not parse, names an unsupported
 * field, or (from an object) fails validation. Its message is upstream's text, which the
 * API server returns as-is in a 400 BadRequest; `causes` carries field errors when the
 * selector came from an object. Pure data.
 */
import type { FieldError } from '../validation/field-error.js';

export class SelectorError extends Error {
  override readonly name = 'SelectorError';

  constructor(
    message: string,
    /** Field errors behind the message, when the selector came from an object. */
    readonly causes: readonly FieldError[] = [],
  ) {
    super(message);
  }
}
