/**
 * The JSON text of cached objects, encoded once per object and shared by every watcher
 * and every list that sends the plain JSON form: with a thousand watchers an event is
 * serialized once, not a thousand times, and a LIST of the whole cache writes out text
 * it already has. Objects in the watch cache are immutable, so the text is keyed by
 * object identity and goes away with the object. A watch line is the object's text
 * wrapped in its event envelope, as bytes kept for the last few hundred events only.
 */
import type { KObject } from '../../registry/types.js';

const texts = new WeakMap<KObject, string>();

/** JSON.stringify(object), computed once per (immutable) object. */
export function objectJson(object: KObject): string {
  let text = texts.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    texts.set(object, text);
  }
  return text;
}

/** Lines of the most recent events, as bytes: every watcher of an event writes the same buffer. */
const recentLines = new Map<KObject, { type: string; line: Buffer }>();
const RECENT_LINES = 256;

export function eventLine(type: string, object: KObject): Buffer {
  const known = recentLines.get(object);
  if (known?.type === type) return known.line;
  const line = Buffer.from(`{"type":${JSON.stringify(type)},"object":${objectJson(object)}}\n`);
  if (recentLines.size >= RECENT_LINES) {
    const oldest = recentLines.keys().next();
    if (!oldest.done) recentLines.delete(oldest.value);
  }
  recentLines.set(object, { type, line });
  return line;
}
