/**
 * Entry point of API object validation: the field-error model and its messages, name
 * syntax checks, and ObjectMeta validation. Re-exports only; no logic lives here.
 */
export * from './field-error.js';
export { formatGoValue, goQuote, goTimeString, UnquotedValue, utf8Length } from './go-format.js';
export * from './meta-fields.js';
export * from './names.js';
export * from './object-meta.js';
export { child, index, key } from './path.js';
export * from './quantity-syntax.js';
export * from './resources.js';
