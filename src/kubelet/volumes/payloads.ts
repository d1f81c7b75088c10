/**
 * The files of configMap, secret and downwardAPI volume sources (also the sources of a
 * projected volume), as the kubelet computes them: all keys or the listed items (key,
 * path, mode), defaultMode, optional objects and keys, labels/annotations/metadata and
 * resource values for the downward API, and the fsGroup ownership the kubelet applies to
 * these read-only volumes. Builds data only; writing is atomic-writer.ts's job.
 */
import { posix } from 'node:path';
import type { KObject } from '../../registry/types.js';
import type { Obj } from '../pods/deps.js';
import type { FileProjection } from './atomic-writer.js';
import { extractFieldPathAsString } from './fieldpath.js';
import { type Allocatable, resourceFieldValue } from './resources.js';

export type Payload = Map<string, FileProjection>;

/** 0644, the API's default for defaultMode. */
export const DEFAULT_MODE = 0o644;

/** The pod's fsGroup, if any. */
export function fsGroupOf(pod: KObject): number | undefined {
  const sc = ((pod['spec'] ?? {}) as Obj)['securityContext'] as Obj | undefined;
  const g = sc?.['fsGroup'];
  return typeof g === 'number' ? g : undefined;
}

/** A file: with an fsGroup it is group-owned and group-readable, as SetVolumeOwnership leaves it. */
export function projection(data: Buffer, mode: number, fsGroup: number | undefined): FileProjection {
  if (fsGroup === undefined) return { data, mode };
  return { data, mode: mode | 0o440, gid: fsGroup };
}

function modeOr(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** The key -> bytes of a ConfigMap (data and binaryData) or a Secret (data, base64). */
export function objectBytes(kind: 'configmap' | 'secret', obj: KObject | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!obj) return out;
  const data = (obj['data'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string')
      out.set(k, kind === 'secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
  }
  if (kind === 'configmap') {
    const bin = (obj['binaryData'] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(bin)) if (typeof v === 'string') out.set(k, Buffer.from(v, 'base64'));
  }
  return out;
}

/**
 * The payload of a ConfigMap or Secret source: every key, or only `items`. A missing key
 * of a listed item is an error unless `optional`.
 */
export function keyPayload(
  kind: 'configmap' | 'secret',
  obj: KObject | undefined,
  source: Obj,
  defaultMode: number,
  fsGroup: number | undefined,
): Payload {
  const bytes = objectBytes(kind, obj);
  const optional = source['optional'] === true;
  const items = Array.isArray(source['items']) ? (source['items'] as Obj[]) : [];
  const out: Payload = new Map();
  if (items.length === 0) {
    for (const [k, data] of bytes) out.set(k, projection(data, defaultMode, fsGroup));
    return out;
  }
  for (const item of items) {
    const key = String(item['key'] ?? '');
    const data = bytes.get(key);
    if (!data) {
      if (optional) continue;
      throw new Error(
        kind === 'configmap'
          ? `configmap references non-existent config key: ${key}`
          : `references non-existent secret key: ${key}`,
      );
    }
    out.set(String(item['path'] ?? key), projection(data, modeOr(item['mode'], defaultMode), fsGroup));
  }
  return out;
}

/** The payload of a downwardAPI source; errors of single items are joined as upstream aggregates them. */
export function downwardPayload(
  pod: KObject,
  items: Obj[],
  defaultMode: number,
  fsGroup: number | undefined,
  alloc: Allocatable,
): Payload {
  const out: Payload = new Map();
  const errors: string[] = [];
  for (const item of items) {
    const path = posix.normalize(String(item['path'] ?? ''));
    const mode = modeOr(item['mode'], defaultMode);
    let text = '';
    try {
      if (item['fieldRef']) {
        text = extractFieldPathAsString(pod, String((item['fieldRef'] as Obj)['fieldPath'] ?? ''));
      } else if (item['resourceFieldRef']) {
        text = resourceFieldValue(pod, undefined, item['resourceFieldRef'] as Obj, alloc);
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
    out.set(path, projection(Buffer.from(text, 'utf8'), mode, fsGroup));
  }
  if (errors.length > 0) throw new Error(aggregate(errors));
  return out;
}

/** Joins error messages as upstream's error aggregate prints them. */
export function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}
