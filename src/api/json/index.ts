/**
 * Strict JSON decoding of request bodies: parse with duplicate-key detection, Go-worded
 * syntax errors, and the API server's strict decoding message. Pure; re-exports only.
 */
export { JsonSyntaxError } from './errors.js';
export { parseJsonStrict, type StrictParseResult } from './parse.js';
export { goQuote, strictDecodingErrors, strictDecodingMessage } from './strict.js';
