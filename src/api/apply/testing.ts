/**
 * Fixtures for the tests of this folder: apply types of real kinds (from the built
 * component schemas), kubectl-like configurations, and a stand-in for what the registry does
 * to a stored object (uid, timestamps, resourceVersion). Used by tests only.
 */
import { componentSchemas } from '../openapi/load.js';
import type { ApplyOptions, ApplyResult, UpdateOptions } from './apply.js';
import type { JsonObject } from './json.js';
import { listTypesFor } from './kind-types.js';
import type { TypeDef } from './schema.js';

export function typeOf(apiVersion: string, kind: string): TypeDef {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return listTypesFor(group!, version!, kind, componentSchemas());
}

export const T0 = '2024-05-01T10:00:00Z';
export const T1 = '2024-05-01T10:01:00Z';
export const T2 = '2024-05-01T10:02:00Z';
export const T3 = '2024-05-01T10:03:00Z';

export function applyOpts(obj: JsonObject, over: Partial<ApplyOptions> = {}): ApplyOptions {
  const apiVersion = obj['apiVersion'] as string;
  const kind = obj['kind'] as string;
  return { force: false, apiVersion, kind, now: T0, schema: typeOf(apiVersion, kind), ...over };
}

export function updateOpts(obj: JsonObject, over: Partial<UpdateOptions> = {}): UpdateOptions {
  const apiVersion = obj['apiVersion'] as string;
  const kind = obj['kind'] as string;
  return { operation: 'Update', apiVersion, kind, now: T0, schema: typeOf(apiVersion, kind), ...over };
}

/** The object as a store would keep it: with identity metadata filled in. */
export function stored(obj: JsonObject): JsonObject {
  const meta = { ...(obj['metadata'] as JsonObject) };
  meta['uid'] ??= '7b1f6f9e-0000-4000-8000-000000000001';
  meta['creationTimestamp'] ??= T0;
  meta['resourceVersion'] = String(Number(meta['resourceVersion'] ?? 0) + 1);
  return { ...obj, metadata: meta };
}

/** The object of a successful apply; fails the test on conflicts. */
export function ok(r: ApplyResult): JsonObject {
  if ('conflicts' in r) throw new Error(`unexpected conflicts: ${JSON.stringify(r.conflicts)}`);
  return stored(r.object);
}

export function deployment(
  over: { replicas?: number; labels?: Record<string, string>; image?: string } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: over.labels ?? { app: 'web' } },
    spec: {
      replicas: over.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: over.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  } satisfies JsonObject;
}

export function entries(obj: JsonObject): JsonObject[] {
  return ((obj['metadata'] as JsonObject)['managedFields'] ?? []) as JsonObject[];
}

export function entry(obj: JsonObject, manager: string, operation = 'Apply'): JsonObject | undefined {
  return entries(obj).find((e) => e['manager'] === manager && e['operation'] === operation);
}
