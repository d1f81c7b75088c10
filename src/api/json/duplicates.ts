/**
 * Finds duplicate object keys in a JSON text that is already known to be valid (JSON.parse
 * accepted it, silently keeping the last value). Paths are spelled as the API server's
 * strict decoder spells them: `metadata.name`, `spec.containers[0].name`, `[0].a` for an
 * item of a top-level list. Each path is reported once, at most 100 in all.
 *
 * Speed matters (request bodies up to a few MiB): one pass over the text, string values are
 * skipped with indexOf, and only keys are sliced out. Pure.
 */

const MAX = 100;

/** Keys seen in one object; a small array until it grows, then a Set. */
class KeySet {
  private list: string[] = [];
  private set: Set<string> | undefined;

  /** Adds a key; returns false if it was already there. */
  add(key: string): boolean {
    if (this.set) {
      if (this.set.has(key)) return false;
      this.set.add(key);
      return true;
    }
    if (this.list.includes(key)) return false;
    this.list.push(key);
    if (this.list.length > 16) this.set = new Set(this.list);
    return true;
  }
}

/** End index (the closing quote) of the string starting with the quote at `start`. */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  for (;;) {
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k--;
    if ((j - 1 - k) % 2 === 0) return j; // an even number of backslashes: a real quote
    j = text.indexOf('"', j + 1);
  }
}

/** Duplicate key paths of the valid JSON `text`, in the order they occur. */
export function findDuplicateKeys(text: string): string[] {
  // Per open container: is it an object, its keys, the key being read, the list index.
  const isObject: boolean[] = [];
  const keys: (KeySet | undefined)[] = [];
  const current: string[] = [];
  const index: number[] = [];
  const expectKey: boolean[] = [];
  let depth = 0;
  let found: Set<string> | undefined;

  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // '"'
      const end = stringEnd(text, i);
      if (depth > 0 && isObject[depth - 1] && expectKey[depth - 1]) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        expectKey[depth - 1] = false;
        current[depth - 1] = key;
        let set = keys[depth - 1];
        if (!set) {
          set = new KeySet();
          keys[depth - 1] = set;
        }
        if (!set.add(key)) {
          found ??= new Set();
          if (found.size < MAX) found.add(pathOf(isObject, current, index, depth - 1, key));
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      // '{' or '['
      isObject[depth] = c === 0x7b;
      keys[depth] = undefined;
      current[depth] = '';
      index[depth] = 0;
      expectKey[depth] = c === 0x7b;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth > 0) {
      // ','
      if (isObject[depth - 1]) expectKey[depth - 1] = true;
      else index[depth - 1]!++;
    }
  }
  return found ? [...found] : [];
}

function pathOf(isObject: boolean[], current: string[], index: number[], upTo: number, key: string): string {
  let path = '';
  for (let d = 0; d < upTo; d++) {
    if (isObject[d]) path = path === '' ? current[d]! : `${path}.${current[d]}`;
    else path = `${path}[${index[d]}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}
