/**
 * Tokenizer of the label-selector string syntax, with upstream's rules: whitespace
 * separates, `= == != ! ( ) , > <` are operators (the longest known one wins), `in` and
 * `notin` are keywords, anything else up to a separator is an identifier, and a NUL
 * character ends the input. Pure: string in, tokens out.
 */

export type TokenKind =
  | 'eos'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'ident'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

export interface Token {
  kind: TokenKind;
  /** The text of the token; "" at the end of the input. */
  literal: string;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

/** Splits a selector into tokens, the last always being `eos`. */
export function lex(input: string): Token[] {
  const end = input.indexOf('\0');
  const s = end >= 0 ? input.slice(0, end) : input;
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos] ?? '')) pos++;
    if (pos >= s.length) {
      tokens.push({ kind: 'eos', literal: '' });
      return tokens;
    }
    if (isSpecial(s[pos] ?? '')) {
      // Every single operator character is a token, so the first one always matches;
      // extend while the longer text is still a known operator.
      let literal = s[pos] ?? '';
      pos++;
      while (pos < s.length && isSpecial(s[pos] ?? '') && KEYWORDS.has(literal + s[pos])) {
        literal += s[pos];
        pos++;
      }
      tokens.push({ kind: KEYWORDS.get(literal) ?? 'ident', literal });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos] ?? '') && !isWhitespace(s[pos] ?? '')) pos++;
    const literal = s.slice(start, pos);
    tokens.push({ kind: KEYWORDS.get(literal) ?? 'ident', literal });
  }
}
