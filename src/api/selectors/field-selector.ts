/**
 * Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`): parsing with
 * upstream's escaping (`\,` `\=` `\\` in values) and error texts, matching against a
 * field set, and printing. Terms are sorted as upstream sorts them; `==` means `=`.
 * A field absent from the set reads as "".
 * Pure and immutable; parsing throws {@link SelectorError} on bad input.
 */
import { SelectorError } from './errors.js';

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** Escapes a literal value for use in a field selector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Undoes {@link escapeFieldValue}; an unknown escape or an unescaped `,`/`=` is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Upstream prints the character's code point as a number here.
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let current = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  terms.push(current);
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator; the field part admits no escaping. */
function splitTerm(
  term: string,
): { field: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[] = []) {}

  /** True when nothing is required. */
  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Whether a field set satisfies every requirement. */
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  /** The value the field must equal, when some `=` term on it exists. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  /** A selector with each requirement's field renamed (how field-label conversion applies). */
  mapFields(fn: (field: string) => string): FieldSelector {
    return new FieldSelector(this.requirements.map((r) => ({ ...r, field: fn(r.field) })));
  }

  /** The selector in its string syntax, values escaped. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Parses a field selector; "" selects everything. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(term.rhs);
    reqs.push({ field: term.field, operator: term.op === '!=' ? '!=' : '=', value });
  }
  return new FieldSelector(reqs);
}
