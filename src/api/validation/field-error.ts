/**
 * The field-error model the API server reports in 422 Invalid answers: one error per bad
 * field, with upstream's type names (they become `details.causes[].type`) and upstream's
 * message text (`<field>: <Type text>: <value>: <detail>`), plus the summary message of a
 * whole Invalid status (`Pod "x" is invalid: ...`).
 * Pure: builds values and strings only. It must not know about HTTP or the Status object.
 */
import { formatGoValue, goQuote } from './go-format.js';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/**
 * One validation failure. `field` is the path as upstream writes it (`metadata.labels`,
 * `spec.containers[0].name`, `metadata.annotations[foo]`). `value` is the offending value;
 * leave it `undefined` when the message must not show a value (Required, Forbidden and
 * TooLong never show one). `detail` is the human explanation, may be empty.
 */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail: string;
}

/** A `details.causes[]` entry of a Status. */
export interface StatusCause {
  type: string;
  field: string;
  message: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

const VALUELESS = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value, detail: '' };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, value, detail: '' };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

/** An unsupported value; the detail lists the accepted values, quoted, in the order given. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail =
    supported.length > 0 ? `supported values: ${supported.map((v) => goQuote(v)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

/** A value over `maxLength` bytes; the value itself is never shown. A negative limit is unknown. */
export function tooLong(field: string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long';
  return { type: 'FieldValueTooLong', field, detail };
}

/** A list with more than `max` items; `actual` below zero is left out of the message. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return { type: 'FieldValueTooMany', field, value: actual >= 0 ? actual : undefined, detail };
}

export function internalError(field: string, message: string): FieldError {
  return { type: 'InternalError', field, detail: message };
}

/** The message of one error without its field: what upstream puts in `causes[].message`. */
export function formatFieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (!VALUELESS.has(e.type) && e.value !== undefined) s += `: ${formatGoValue(e.value)}`;
  if (e.detail.length > 0) s += `: ${e.detail}`;
  return s;
}

/** The full message of one error: `<field>: <body>`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${formatFieldErrorBody(e)}`;
}

/**
 * Joins several messages as upstream's error aggregate does: duplicates dropped, one
 * message alone is returned as it is, several are joined with ", " inside brackets.
 */
export function aggregateMessages(messages: readonly string[]): string {
  const seen = [...new Set(messages)];
  if (seen.length === 1) return seen[0] ?? '';
  return seen.length === 0 ? '' : `[${seen.join(', ')}]`;
}

/** The causes of an Invalid status, one per error, in order. */
export function toStatusCauses(errors: readonly FieldError[]): StatusCause[] {
  return errors.map((e) => ({ type: e.type, field: e.field, message: formatFieldErrorBody(e) }));
}

/**
 * The message of a 422 Invalid status: `<Kind> "<name>" is invalid: <errors>`, where the
 * kind is qualified by its group when it has one (`Deployment.apps`), and the errors are
 * aggregated as {@link aggregateMessages} does.
 */
export function formatInvalidMessage(
  kind: string,
  name: string,
  errors: readonly FieldError[],
  group = '',
): string {
  const qualified = group ? `${kind}.${group}` : kind;
  const head = `${qualified} ${goQuote(name)} is invalid`;
  if (errors.length === 0) return head;
  return `${head}: ${aggregateMessages(errors.map(formatFieldError))}`;
}
