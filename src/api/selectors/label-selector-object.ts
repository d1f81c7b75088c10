/**
 * The structured label selector of API objects (metav1.LabelSelector: `matchLabels` and
 * `matchExpressions`, as in a Deployment's `spec.selector`): its validation with
 * upstream's paths and messages, and its conversion to a {@link LabelSelector}.
 * A null or absent selector selects nothing; `{}` selects everything.
 * Pure: validation returns field errors; conversion throws {@link SelectorError}.
 */
import {
  aggregateMessages,
  type FieldError,
  forbidden,
  formatFieldError,
  invalid,
  required,
} from '../validation/field-error.js';
import { isRecord, validateLabels } from '../validation/meta-fields.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { child, index } from '../validation/path.js';
import { SelectorError } from './errors.js';
import type { LabelRequirement } from './label-requirement.js';
import { everything, LabelSelector, nothing } from './label-selector.js';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirementObject {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

const OPERATORS: Readonly<Record<LabelSelectorOperator, LabelRequirement['operator']>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function strings(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Checks a structured selector as upstream's ValidateLabelSelector does: valid
 * matchLabels, and for each expression a known operator with values present for
 * In/NotIn and absent for Exists/DoesNotExist, a qualified-name key and valid values.
 * `path` is where the selector sits (e.g. `spec.selector`). Null selects nothing and is valid.
 */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === null || sel === undefined) return [];
  if (!isRecord(sel)) return [invalid(path, sel, 'must be a label selector object')];
  const errs = validateLabels(sel.matchLabels, child(path, 'matchLabels'));
  const exprPath = child(path, 'matchExpressions');
  if (
    sel.matchExpressions !== undefined &&
    sel.matchExpressions !== null &&
    !Array.isArray(sel.matchExpressions)
  ) {
    return [
      ...errs,
      invalid(exprPath, sel.matchExpressions, 'must be a list of label selector requirements'),
    ];
  }
  strings(sel.matchExpressions).forEach((raw, i) => {
    const p = index(exprPath, i);
    const expr = isRecord(raw) ? raw : {};
    const values = strings(expr.values);
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            forbidden(
              child(p, 'values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        errs.push(invalid(child(p, 'operator'), expr.operator ?? '', 'not a valid selector operator'));
    }
    const key = typeof expr.key === 'string' ? expr.key : '';
    for (const msg of isQualifiedName(key)) errs.push(invalid(child(p, 'key'), key, msg));
    values.forEach((v, j) => {
      const value = typeof v === 'string' ? v : '';
      if (typeof v !== 'string') errs.push(invalid(index(child(p, 'values'), j), v, 'must be a string'));
      else
        for (const msg of isValidLabelValue(value))
          errs.push(invalid(index(child(p, 'values'), j), value, msg));
    });
  });
  return errs;
}

/**
 * Converts a structured selector into a {@link LabelSelector}: null or undefined gives
 * the selector that matches nothing (`nothing: true`), one without any matchLabels or
 * matchExpressions gives the one that matches everything. An invalid selector throws a
 * {@link SelectorError} whose `causes` are the field errors under `path` and whose
 * message joins them.
 */
export function labelSelectorFromObject(
  sel: LabelSelectorObject | null | undefined,
  path = 'selector',
): LabelSelector {
  if (sel === null || sel === undefined) return nothing();
  const causes = validateLabelSelector(sel, path);
  if (causes.length > 0) throw new SelectorError(aggregateMessages(causes.map(formatFieldError)), causes);
  const reqs: LabelRequirement[] = [];
  for (const [key, v] of Object.entries(sel.matchLabels ?? {}))
    reqs.push({ key, operator: '=', values: [v] });
  for (const expr of sel.matchExpressions ?? []) {
    reqs.push({ key: expr.key, operator: OPERATORS[expr.operator], values: [...(expr.values ?? [])] });
  }
  return reqs.length === 0 ? everything() : new LabelSelector(reqs);
}
