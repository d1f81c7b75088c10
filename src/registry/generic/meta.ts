/**
 * System-owned metadata: uid, creation time, generated names, resourceVersion, and the
 * fields a client may never change on update. Pure apart from randomness and the clock.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { KObject, ObjectMeta } from '../types.js';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The suffix kube-apiserver appends to generateName: five characters, no vowels. */
export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return s;
}

/** The last second formatted (every write of a busy second asks for the same text). */
let lastSecond = Number.NaN;
let lastText = '';

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function timestamp(ms: number = Date.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

export function meta(obj: KObject): ObjectMeta {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** Fills the fields the server owns on create. */
export function fillCreateMeta(obj: KObject, now: number): void {
  const m = meta(obj);
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
}

/** Carries the fields a client may not change from the stored object to the new one. */
export function keepSystemMeta(obj: KObject, old: KObject): void {
  const m = meta(obj);
  const o = old.metadata ?? {};
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  delete m.selfLink;
}

/**
 * The stored form: everything but resourceVersion, which comes from the store's revision.
 * The field is set to undefined (which JSON leaves out) rather than deleted for the call:
 * a delete turns the metadata object into V8's slow dictionary form for the rest of its life.
 */
export function encode(obj: KObject): Buffer {
  const m = obj.metadata;
  if (m?.resourceVersion === undefined) return Buffer.from(JSON.stringify(obj));
  const rv = m.resourceVersion;
  m.resourceVersion = undefined;
  try {
    return Buffer.from(JSON.stringify(obj));
  } finally {
    m.resourceVersion = rv;
  }
}

export function decode(value: Uint8Array, revision: number): KObject {
  const obj = JSON.parse(
    Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'),
  ) as KObject;
  meta(obj).resourceVersion = String(revision);
  return obj;
}
