/**
 * Locates the first syntax error of a JSON text and describes it in the words of Go's
 * encoding/json scanner. Used only after JSON.parse has rejected a text, so it favours
 * clear code over speed. Iterative (an explicit stack), so deep nesting cannot overflow the
 * call stack. Pure.
 */
import { JsonSyntaxError, quoteChar } from './errors.js';

const OBJECT = 1;
const ARRAY = 2;

class Failure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** The first syntax error of `text`, or undefined if it is valid JSON. */
export function findSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return new JsonSyntaxError(err.message, err.offset);
    throw err;
  }
}

function scan(text: string): void {
  const n = text.length;
  let i = 0;
  const stack: number[] = [];

  const eof = (): never => {
    throw new Failure('unexpected end of JSON input', n);
  };
  const invalid = (at: number, context: string): never => {
    if (at >= n) eof();
    throw new Failure(`invalid character ${quoteChar(text[at]!)} ${context}`, at);
  };
  const skipWs = () => {
    while (i < n && isWs(text[i])) i++;
  };

  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) eof();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= n) eof();
        const e = text[i]!;
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) eof();
            if (!isHex(text[i + k])) invalid(i + k, 'in \\u hexadecimal character escape');
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          invalid(i, 'in string escape code');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) invalid(i, 'in string literal');
      i++;
    }
  };

  const number = () => {
    if (text[i] === '-') {
      i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) invalid(i, 'in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (isDigit(text[i])) i++;
    if (text[i] === '.') {
      i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) invalid(i, 'after decimal point in numeric literal');
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) invalid(i, 'in exponent of numeric literal');
      while (isDigit(text[i])) i++;
    }
  };

  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      if (i + k >= n) eof();
      if (text[i + k] !== word[k]) invalid(i + k, `in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    i += word.length;
  };

  /** Reads `"key" :` after `{` or `,` in an object. */
  const key = () => {
    skipWs();
    if (text[i] !== '"') invalid(i, 'looking for beginning of object key string');
    string();
    skipWs();
    if (text[i] !== ':') invalid(i, 'after object key');
    i++;
  };

  for (;;) {
    // Expecting a value.
    skipWs();
    if (i >= n) eof();
    const c = text[i]!;
    let scalar = true;
    if (c === '{') {
      i++;
      skipWs();
      if (text[i] === '}') i++;
      else {
        stack.push(OBJECT);
        key();
        scalar = false;
      }
    } else if (c === '[') {
      i++;
      skipWs();
      if (text[i] === ']') i++;
      else {
        stack.push(ARRAY);
        scalar = false;
      }
    } else if (c === '"') string();
    else if (c === '-' || isDigit(c)) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else invalid(i, 'looking for beginning of value');
    if (!scalar) continue;

    // After a complete value: close containers or move to the next element.
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) invalid(i, 'after top-level value');
        return;
      }
      if (i >= n) eof();
      const d = text[i];
      if (top === OBJECT) {
        if (d === '}') {
          i++;
          stack.pop();
          continue;
        }
        if (d !== ',') invalid(i, 'after object key:value pair');
        i++;
        key();
        break;
      }
      if (d === ']') {
        i++;
        stack.pop();
        continue;
      }
      if (d !== ',') invalid(i, 'after array element');
      i++;
      break;
    }
  }
}
