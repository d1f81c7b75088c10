/**
 * The decoding check of quantities: upstream refuses a body whose quantity fields do not
 * parse before anything else looks at it, with 400 BadRequest and the message
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: <parse error>`. The parse errors
 * are upstream's: a text its scanner cannot read "quantities must match the regular
 * expression ...", a known shape with an unknown suffix ("1KK") "unable to parse quantity's
 * suffix". Values are found by the paths each kind lists (./quantity-fields in the
 * registry). Pure.
 */
import { isQuantity } from '../quantity/index.js';

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

/** The shape upstream's scanner reads: sign, digits, fraction, suffix letters, exponent. */
const SCANNED = /^[+-]?[0-9]*(\.[0-9]*)?[eEinumkKMGTP]*[+-]?[0-9]*$/;

/** Why `v` (a JSON value) is not a quantity as upstream decodes one; undefined when it is one. */
export function quantitySyntaxError(v: unknown): string | undefined {
  if (v === null || isQuantity(v)) return undefined;
  if (typeof v === 'string' && v.trim() !== '' && SCANNED.test(v.trim())) return QUANTITY_SUFFIX_ERROR;
  return QUANTITY_FORMAT_ERROR;
}

/** The decoding error of an object of `kind` in `version` with a bad quantity. */
export function decodeErrorMessage(kind: string, version: string, why: string): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`;
}
