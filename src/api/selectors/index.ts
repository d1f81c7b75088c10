/**
 * Entry point of label and field selectors: parsing the query-string forms, converting
 * the structured form of objects, matching, and the per-kind field sets. Re-exports
 * only; no logic lives here.
 */
export { SelectorError } from './errors.js';
export { convertFieldSelector, supportedFieldLabels, validateFieldSelector } from './field-labels.js';
export {
  escapeFieldValue,
  type FieldOperator,
  type FieldRequirement,
  FieldSelector,
  parseFieldSelector,
  unescapeFieldValue,
} from './field-selector.js';
export { fieldsOf, kindKey } from './field-sets.js';
export { parseLabelRequirements, parseLabelSelector } from './label-parser.js';
export {
  type LabelOperator,
  type LabelRequirement,
  newRequirement,
  requirementMatches,
  requirementToString,
} from './label-requirement.js';
export { everything, LabelSelector, nothing, selectorFromSet } from './label-selector.js';
export {
  type LabelSelectorObject,
  type LabelSelectorOperator,
  type LabelSelectorRequirementObject,
  labelSelectorFromObject,
  validateLabelSelector,
} from './label-selector-object.js';
