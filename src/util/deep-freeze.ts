/**
 * Makes a JSON-like value immutable all the way down. Objects the watch cache holds are
 * shared by every in-process reader (watchers, informers, lists), so none may change
 * them: a frozen object turns such a change into a TypeError at the line that tries it
 * (modules are strict) instead of a silent change seen by everyone else. A frozen
 * member is taken to be frozen all the way down already, so freezing a shallow copy of a
 * frozen object costs only the copy's own level.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') deepFreeze(v);
  } else {
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') deepFreeze(v);
    }
  }
  return value;
}
