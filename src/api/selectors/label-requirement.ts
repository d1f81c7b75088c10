/**
 * One label-selector requirement (key, operator, values): how it is checked when built,
 * how it matches a label set, and how it prints. Operators use upstream's spellings
 * (`=`, `==`, `!=`, `in`, `notin`, `exists`, `!`, `gt`, `lt`).
 * Pure: no I/O; building returns the field errors instead of throwing.
 */
import { type FieldError, invalid, notSupported } from '../validation/field-error.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { child, index, key as keyPath } from '../validation/path.js';

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPERATORS: readonly LabelOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

/** A requirement as parsed or built; `values` keep the order given (printing sorts them). */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** The error for a key that is not a qualified name, at `path` (upstream prints `<nil>` for no path). */
export function labelKeyError(k: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(k);
  return errs.length > 0 ? invalid(path, k, errs.join('; ')) : undefined;
}

const INT64 = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses a base-10 signed 64-bit integer as Go's strconv.ParseInt does, or undefined. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * Builds a requirement and checks it: a valid key, the right number of values for the
 * operator, integers for gt/lt, valid label values. `path` prefixes the error fields
 * (empty: `key`, `values`, `values[0][<key>]`, as upstream prints them).
 */
export function newRequirement(
  key: string,
  operator: string,
  values: readonly string[],
  path = '',
): { requirement: LabelRequirement; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const keyErr = labelKeyError(key, child(path, 'key'));
  if (keyErr) errors.push(keyErr);
  const valuePath = child(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errors.push(
          invalid(valuePath, [...values], "for 'in', 'notin' operators, values set can't be empty"),
        );
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errors.push(invalid(valuePath, [...values], 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errors.push(
          invalid(valuePath, [...values], 'values set must be empty for exists and does not exist'),
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errors.push(
          invalid(valuePath, [...values], "for 'Gt', 'Lt' operators, exactly one value is required"),
        );
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errors.push(
            invalid(index(valuePath, i), v, "for 'Gt', 'Lt' operators, the value must be an integer"),
          );
        }
      });
      break;
    default:
      errors.push(notSupported(child(path, 'operator'), operator, ALL_OPERATORS));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errors.push(invalid(keyPath(index(valuePath, i), key), v, msgs.join('; ')));
  });
  return { requirement: { key, operator: operator as LabelOperator, values: [...values] }, errors };
}

/** Whether a label set satisfies the requirement. A missing key satisfies only `!=`, `notin` and `!`. */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** Prints a requirement in selector syntax; several values are printed sorted. */
export function requirementToString(r: LabelRequirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}
