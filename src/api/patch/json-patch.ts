/**
 * RFC 6902 JSON patch, as the API server applies `application/json-patch+json` bodies.
 *
 * The input document and the operations are never mutated: the document is copied once and the
 * copy is changed in place, operation by operation. A malformed patch throws
 * PatchError('invalid'); an operation that does not fit the document (missing path, index out of
 * range, failed `test`) throws PatchError('conflict') with the wording the Kubernetes API server
 * uses. Negative list indexes count from the end, as they do in Kubernetes. Pure.
 */
import { patchConflict } from './errors.js';
import { deepClone, deleteKey, getKey, type Json, jsonEqual, setKey } from './json.js';
import { decodeJsonPatch, type JsonPatchOperation } from './json-patch-decode.js';
import { child, type Location, listIndex, locate } from './pointer.js';

type MoveOrCopy = Extract<JsonPatchOperation, { op: 'move' | 'copy' }>;

function missingPath(op: string, path: string, quote: boolean): Error {
  const shown = quote ? JSON.stringify(path) : path;
  return patchConflict(`${op} operation does not apply: doc is missing path: ${shown}: missing value`);
}

function badIndex(verb: string, path: string, token: string): Error {
  return patchConflict(
    `error in ${verb} for path: '${path}': Unable to access invalid index: ${token}: invalid index referenced`,
  );
}

/** Reads the value at `tokens`, or undefined when there is none. */
function valueAt(root: Json, tokens: readonly string[]): Json | undefined {
  let node: Json | undefined = root;
  for (const token of tokens) {
    if (node === undefined) return undefined;
    node = child(node, token);
  }
  return node;
}

/** Inserts `value` at `at` (object key set, or list insertion); false if the index is invalid. */
function insert(at: Location, value: Json): boolean {
  if (Array.isArray(at.parent)) {
    const index = listIndex(at.token, at.parent.length, true);
    if (index === undefined) return false;
    at.parent.splice(index, 0, value);
  } else {
    setKey(at.parent, at.token, value);
  }
  return true;
}

/** Removes and returns the value at `at`, or undefined if there is none. */
function extract(at: Location): Json | undefined {
  if (Array.isArray(at.parent)) {
    const index = listIndex(at.token, at.parent.length);
    return index === undefined ? undefined : at.parent.splice(index, 1)[0];
  }
  const value = getKey(at.parent, at.token);
  deleteKey(at.parent, at.token);
  return value;
}

function add(root: Json, op: { path: string; tokens: readonly string[] }, value: Json, verb: string): Json {
  if (op.tokens.length === 0) return value;
  const at = locate(root, op.tokens);
  if (at === undefined) {
    if (verb === 'add') throw missingPath('add', op.path, true);
    throw patchConflict(
      `${verb} operation does not apply: doc is missing destination path: ${op.path}: missing value`,
    );
  }
  if (!insert(at, value)) throw badIndex(verb, op.path, at.token);
  return root;
}

function remove(root: Json, path: string, tokens: readonly string[]): Json {
  const at = tokens.length === 0 ? undefined : locate(root, tokens);
  if (at === undefined) throw missingPath('remove', path, true);
  if (extract(at) !== undefined) return root;
  if (Array.isArray(at.parent)) throw badIndex('remove', path, at.token);
  throw patchConflict(
    `error in remove for path: '${path}': Unable to remove nonexistent key: ${at.token}: missing value`,
  );
}

function replace(root: Json, path: string, tokens: readonly string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const at = locate(root, tokens);
  if (at === undefined || child(at.parent, at.token) === undefined) throw missingPath('replace', path, false);
  if (Array.isArray(at.parent)) at.parent[listIndex(at.token, at.parent.length)!] = value;
  else setKey(at.parent, at.token, value);
  return root;
}

function move(root: Json, op: MoveOrCopy): Json {
  const from = op.fromTokens.length === 0 ? undefined : locate(root, op.fromTokens);
  const value = from === undefined ? undefined : extract(from);
  if (value === undefined) {
    throw patchConflict(`move operation does not apply: doc is missing from path: ${op.from}: missing value`);
  }
  return add(root, op, value, 'move');
}

function copy(root: Json, op: MoveOrCopy): Json {
  const value = valueAt(root, op.fromTokens);
  if (value === undefined) {
    throw patchConflict(`copy operation does not apply: doc is missing from path: ${op.from}: missing value`);
  }
  return add(root, op, deepClone(value), 'copy');
}

function test(root: Json, path: string, tokens: readonly string[], expected: Json): Json {
  if (tokens.length > 0 && locate(root, tokens) === undefined) {
    throw patchConflict(`test operation does not apply: is missing path: ${path}: missing value`);
  }
  const actual = valueAt(root, tokens);
  if (actual === undefined || !jsonEqual(actual, expected)) {
    throw patchConflict(`testing value ${path} failed: test failed`);
  }
  return root;
}

function applyOne(root: Json, op: JsonPatchOperation): Json {
  switch (op.op) {
    case 'add':
      return add(root, op, deepClone(op.value), 'add');
    case 'remove':
      return remove(root, op.path, op.tokens);
    case 'replace':
      return replace(root, op.path, op.tokens, deepClone(op.value));
    case 'move':
      return move(root, op);
    case 'copy':
      return copy(root, op);
    case 'test':
      return test(root, op.path, op.tokens, op.value);
  }
}

/**
 * Applies the RFC 6902 patch `ops` (the parsed JSON body) to `doc` and returns the new document.
 * Throws PatchError: 'invalid' when `ops` is not a well-formed patch (checked before anything is
 * applied), 'conflict' when an operation does not apply.
 */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  const operations = decodeJsonPatch(ops);
  let root = deepClone(doc);
  for (const op of operations) root = applyOne(root, op);
  return root;
}
