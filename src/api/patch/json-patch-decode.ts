/**
 * Decoding of an RFC 6902 JSON patch document into checked operations. Everything wrong with
 * the document itself (not a list, an unknown op, a missing or malformed path, from or value)
 * is found here, before any operation runs, and thrown as PatchError('invalid'). Pure.
 */
import { invalidPatch } from './errors.js';
import { isJson, type Json } from './json.js';
import { parsePointer } from './pointer.js';

interface Target {
  /** The pointer as written, for messages. */
  readonly path: string;
  readonly tokens: readonly string[];
}

export type JsonPatchOperation =
  | (Target & { readonly op: 'add' | 'replace' | 'test'; readonly value: Json })
  | (Target & { readonly op: 'remove' })
  | (Target & {
      readonly op: 'move' | 'copy';
      readonly from: string;
      readonly fromTokens: readonly string[];
    });

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function kindName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function pointerField(op: string, raw: Record<string, unknown>, field: 'path' | 'from'): [string, string[]] {
  const value = raw[field];
  const what = field === 'path' ? 'operation missing path field' : 'operation, missing from field';
  if (value === undefined || value === null) {
    throw invalidPatch(`${op} operation failed to decode ${field}: ${what}: missing value`);
  }
  if (typeof value !== 'string') {
    throw invalidPatch(
      `${op} operation failed to decode ${field}: expected a string, got ${kindName(value)}`,
    );
  }
  const tokens = parsePointer(value);
  if (tokens === undefined) {
    throw invalidPatch(
      `${op} operation failed to decode ${field}: invalid JSON pointer ${JSON.stringify(value)}: ` +
        'must be empty or start with "/"',
    );
  }
  return [value, tokens];
}

function decodeOne(raw: unknown, position: number): JsonPatchOperation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidPatch(`invalid JSON patch: operation ${position} is a ${kindName(raw)}, not an object`);
  }
  const fields = raw as Record<string, unknown>;
  const op = typeof fields['op'] === 'string' ? fields['op'] : 'unknown';
  if (!OPS.has(op)) throw invalidPatch(`Unexpected kind: ${op}`);
  const [path, tokens] = pointerField(op, fields, 'path');
  switch (op) {
    case 'remove':
      return { op, path, tokens };
    case 'move':
    case 'copy': {
      const [from, fromTokens] = pointerField(op, fields, 'from');
      return { op, path, tokens, from, fromTokens };
    }
    default: {
      if (!Object.hasOwn(fields, 'value')) {
        throw invalidPatch(`${op} operation, missing value field: missing value`);
      }
      const value = fields['value'];
      if (!isJson(value)) throw invalidPatch(`${op} operation: value is not JSON`);
      return { op: op as 'add' | 'replace' | 'test', path, tokens, value };
    }
  }
}

/** Checks a JSON patch document (already parsed from JSON) and returns its operations. */
export function decodeJsonPatch(ops: unknown): JsonPatchOperation[] {
  if (!Array.isArray(ops)) {
    throw invalidPatch(`invalid JSON patch: expected a list of operations, got ${kindName(ops)}`);
  }
  return ops.map(decodeOne);
}
