/**
 * Parser of the label-selector string syntax (`?labelSelector=`), following upstream's
 * grammar and error texts, which the API server returns verbatim in 400 answers:
 *
 *   selector    ::= requirement ("," requirement)*
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * A bare key means "exists", `!key` "does not exist". Keys must be qualified names and
 * values label values; `in`/`notin` may also be a key or a value. Values of a set are
 * de-duplicated and sorted; requirements are sorted by key.
 * Pure: throws {@link SelectorError} on bad input, nothing else.
 */
import { aggregateMessages, formatFieldError } from '../validation/field-error.js';
import { SelectorError } from './errors.js';
import { lex, type Token, type TokenKind } from './label-lexer.js';
import { type LabelRequirement, labelKeyError, newRequirement } from './label-requirement.js';
import { LabelSelector } from './label-selector.js';

/** Parse failure inside one requirement; the caller prefixes it. */
class RequirementError extends Error {}

/** In a value position the keywords `in` and `notin` are ordinary identifiers. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private at(i: number): Token {
    return this.tokens[Math.min(i, this.tokens.length - 1)] ?? { kind: 'eos', literal: '' };
  }

  private kindIn(t: Token, ctx: Context): TokenKind {
    return ctx === 'values' && (t.kind === 'in' || t.kind === 'notin') ? 'ident' : t.kind;
  }

  lookahead(ctx: Context): [TokenKind, string] {
    const t = this.at(this.pos);
    return [this.kindIn(t, ctx), t.literal];
  }

  consume(ctx: Context): [TokenKind, string] {
    const t = this.at(this.pos);
    this.pos++;
    return [this.kindIn(t, ctx), t.literal];
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const [kind, literal] = this.lookahead('values');
      if (kind === 'eos') return reqs;
      if (kind !== 'ident' && kind !== '!') {
        throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.requirement());
      } catch (err) {
        if (err instanceof RequirementError)
          throw new SelectorError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const [next, nextLiteral] = this.consume('values');
      if (next === 'eos') return reqs;
      if (next !== ',') throw new SelectorError(`found '${nextLiteral}', expected: ',' or 'end of string'`);
      const [after, afterLiteral] = this.lookahead('values');
      if (after !== 'ident' && after !== '!') {
        throw new SelectorError(`found '${afterLiteral}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    const [key, inferred] = this.keyAndInferredOperator();
    if (inferred) return build(key, inferred, []);
    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    return build(key, operator, [...values].sort());
  }

  private keyAndInferredOperator(): [string, 'exists' | '!' | undefined] {
    let operator: '!' | 'exists' | undefined;
    let [kind, literal] = this.consume('values');
    if (kind === '!') {
      operator = '!';
      [kind, literal] = this.consume('values');
    }
    if (kind !== 'ident') throw new RequirementError(`found '${literal}', expected: identifier`);
    const keyErr = labelKeyError(literal, '<nil>');
    if (keyErr) throw new RequirementError(formatFieldError(keyErr));
    const [next] = this.lookahead('values');
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    return [literal, operator];
  }

  private operator(): string {
    const [kind, literal] = this.consume('keyAndOperator');
    switch (kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        return kind;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new RequirementError(`found '${literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private valueSet(): Set<string> {
    const [open, openLiteral] = this.consume('values');
    if (open !== '(') throw new RequirementError(`found '${openLiteral}' expected: '('`);
    const [kind, literal] = this.lookahead('values');
    if (kind === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (kind !== 'ident' && kind !== ',') {
      throw new RequirementError(`found '${literal}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    const [close] = this.consume('values');
    if (close !== ')') throw new RequirementError(`found '${literal}', expected: ')'`);
    return values;
  }

  /** A comma-separated list whose empty items are the empty string; stops before `)`. */
  private identifierList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const [kind, literal] = this.consume('values');
      if (kind === 'ident') {
        values.add(literal);
        const [next, nextLiteral] = this.lookahead('values');
        if (next === ',') continue;
        if (next === ')') return values;
        throw new RequirementError(`found '${nextLiteral}', expected: ',' or ')'`);
      }
      if (kind !== ',') throw new RequirementError(`found '${literal}', expected: ',', or identifier`);
      if (values.size === 0) values.add('');
      const [next] = this.lookahead('values');
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') values.add('');
    }
  }

  private exactValue(): Set<string> {
    const [next] = this.lookahead('values');
    if (next === 'eos' || next === ',') return new Set(['']);
    const [kind, literal] = this.consume('values');
    if (kind === 'ident') return new Set([literal]);
    throw new RequirementError(`found '${literal}', expected: identifier`);
  }
}

function build(key: string, operator: string, values: readonly string[]): LabelRequirement {
  const { requirement, errors } = newRequirement(key, operator, values);
  if (errors.length > 0) throw new RequirementError(aggregateMessages(errors.map(formatFieldError)));
  return requirement;
}

/** Parses the requirements of a selector string, in key order. */
export function parseLabelRequirements(s: string): LabelRequirement[] {
  return [...parseLabelSelector(s).requirements];
}

/** Parses a selector string; "" (or only whitespace) selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  return new LabelSelector(new Parser(lex(s)).parse());
}
