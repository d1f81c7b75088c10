/**
 * JSON Pointer (RFC 6901) parsing and the lookups a JSON patch needs: split a pointer into
 * reference tokens, find the container that holds the last token, and turn a token into a list
 * index. Pure; never mutates a document.
 */
import { getKey, isObject, type Json, type JsonObject } from './json.js';

/** The reference tokens of `pointer` ("" is the whole document), or undefined if malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~[01]/g, (seq) => (seq === '~1' ? '/' : '~')));
}

/** Where the last token of a pointer lives: an object or a list, and the token itself. */
export interface Location {
  readonly parent: JsonObject | Json[];
  readonly token: string;
}

/**
 * The container of the value `tokens` points at (which itself may be absent), or undefined when
 * a token before the last does not exist or does not lead into an object or a list.
 * `tokens` must not be empty: the document root has no container.
 */
export function locate(root: Json, tokens: readonly string[]): Location | undefined {
  let node: Json = root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const next = child(node, tokens[i]!);
    if (next === undefined) return undefined;
    node = next;
  }
  if (!isObject(node) && !Array.isArray(node)) return undefined;
  return { parent: node, token: tokens[tokens.length - 1]! };
}

/** The value at `token` inside `node`, or undefined when there is none. */
export function child(node: Json, token: string): Json | undefined {
  if (isObject(node)) return getKey(node, token);
  if (Array.isArray(node)) {
    const index = listIndex(token, node.length);
    return index === undefined ? undefined : node[index];
  }
  return undefined;
}

/**
 * The position `token` names in a list of `length` elements, or undefined if it names none.
 * Accepts decimal indexes without leading zeros and, as the Kubernetes API server does,
 * negative indexes counted from the end. `forAdd` allows the position just past the end
 * (also spelled "-").
 */
export function listIndex(token: string, length: number, forAdd = false): number | undefined {
  const size = forAdd ? length + 1 : length;
  if (token === '-') return forAdd ? length : undefined;
  if (!/^-?(0|[1-9][0-9]*)$/.test(token)) return undefined;
  let index = Number(token);
  if (index < 0) index += size;
  if (index < 0 || index >= size) return undefined;
  return index;
}
