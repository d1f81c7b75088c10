/**
 * Watch event lines, encoded once per (event type, object) and shared by every watcher
 * that sends the plain JSON form: with a thousand watchers, an event is serialized once,
 * not a thousand times. Objects in the watch cache are immutable, so the cache is keyed
 * by object identity and goes away with the object.
 */
import type { KObject } from '../../registry/types.js';

const lines = new WeakMap<KObject, Map<string, string>>();

export function eventLine(type: string, object: KObject): string {
  let byType = lines.get(object);
  if (!byType) {
    byType = new Map();
    lines.set(object, byType);
  }
  let line = byType.get(type);
  if (line === undefined) {
    line = `${JSON.stringify({ type, object })}\n`;
    byType.set(type, line);
  }
  return line;
}
