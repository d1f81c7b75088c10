/**
 * Strict JSON parsing for request bodies: the value (as JSON.parse builds it, the last of
 * duplicate keys winning, as upstream does when it does not reject them), the duplicate keys
 * found, and a typed error with Go's wording for malformed input. Pure.
 *
 * JSON.parse does the parsing; a second, cheap pass over the text finds duplicate keys,
 * which JSON.parse cannot report. Only on failure is the text scanned again to name the
 * error the way Go does.
 */
import { findDuplicateKeys } from './duplicates.js';
import { JsonSyntaxError } from './errors.js';
import { findSyntaxError } from './syntax.js';

export interface StrictParseResult {
  value: unknown;
  /** Paths of keys that appear more than once in the same object (`metadata.name`). */
  duplicates: string[];
}

/** Parses `text`; throws JsonSyntaxError if it is not valid JSON. */
export function parseJsonStrict(text: string): StrictParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw findSyntaxError(text) ?? new JsonSyntaxError(err instanceof Error ? err.message : String(err), 0);
  }
  return { duplicates: findDuplicateKeys(text), value };
}
