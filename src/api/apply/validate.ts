/**
 * Checks an applied configuration against its type before it is merged, with the API
 * server's messages: fields a struct does not declare, values of the wrong JSON type,
 * list items without their key, duplicate keys. Returns the error lines
 * (`.spec.replicas: expected numeric (int or float), got string`), empty when valid.
 *
 * Pure.
 */
import { isObject, type Json } from './json.js';
import { elementString, fieldElement, indexElement, serializeElement } from './path.js';
import { atomOf, type TypeDef } from './schema.js';
import { ItemKeyError, listItemElement } from './typed.js';

export function validateApplied(value: Json, type: TypeDef): string[] {
  const errs: string[] = [];
  check(value, type, '', errs);
  return errs;
}

function goType(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function shown(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function at(path: string, msg: string): string {
  return path ? `${path}: ${msg}` : msg;
}

function check(value: Json, type: TypeDef, path: string, errs: string[]): void {
  if (value === null) return;
  const a = atomOf(type, value);
  if (a.kind === 'scalar') {
    const bad =
      a.scalar === 'number'
        ? typeof value !== 'number' && `expected numeric (int or float), got ${goType(value)}`
        : a.scalar === 'string'
          ? typeof value !== 'string' && `expected string, got ${shown(value)}`
          : a.scalar === 'boolean'
            ? typeof value !== 'boolean' && `expected boolean, got ${shown(value)}`
            : typeof value === 'object' && `expected any scalar, got ${shown(value)}`;
    if (bad) errs.push(at(path, bad));
    return;
  }
  if (a.kind === 'list') {
    if (!Array.isArray(value)) {
      errs.push(at(path, `expected list, got ${shown(value)}`));
      return;
    }
    const seen = new Set<string>();
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      let pe = indexElement(i);
      if (a.listType !== 'atomic') {
        try {
          pe = listItemElement(a, item);
        } catch (err) {
          if (!(err instanceof ItemKeyError)) throw err;
          errs.push(at(path, `element ${i}: ${err.message}`));
          return;
        }
        const id = serializeElement(pe);
        if (seen.has(id)) errs.push(at(path, `duplicate entries for key ${elementString(pe)}`));
        seen.add(id);
      }
      check(item, a.elem, path + elementString(pe), errs);
    }
    return;
  }
  if (!isObject(value)) {
    errs.push(at(path, `expected map, got ${shown(value)}`));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = path + elementString(fieldElement(k));
    const t = a.field(k) ?? a.elem;
    if (!t) {
      errs.push(at(p, 'field not declared in schema'));
      return;
    }
    check(v, t, p, errs);
  }
}
