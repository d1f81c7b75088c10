/**
 * Request-level measurements through the API: bulk ConfigMap creates (closed loop, N in
 * flight), GET latency of random objects and LIST latency of a whole namespace (one
 * request at a time). Throws on any unexpected status; prints nothing itself.
 */
import { type LoadResult, runLoad } from '../lib/stats.js';
import type { Transport } from './transport.js';

export const objectName = (i: number) => `cm-${String(i).padStart(6, '0')}`;

/** A ConfigMap whose JSON is about `valueBytes` larger than its metadata. */
export function configMapJson(name: string, valueBytes: number, data: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { bench: 'apiserver' } },
    data: { ...data, payload: 'x'.repeat(valueBytes) },
  });
}

function expect(status: number, want: number, what: string, body: Buffer): void {
  if (status !== want)
    throw new Error(`${what}: HTTP ${status}, want ${want}: ${body.toString().slice(0, 300)}`);
}

export async function ensureNamespace(t: Transport, name: string): Promise<void> {
  const r = await t.request('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name } }));
  if (r.status !== 201 && r.status !== 409) expect(r.status, 201, `create namespace ${name}`, r.body);
}

/** Creates `count` ConfigMaps, object i going to `target(i)`, with `concurrency` requests in flight. */
export function createMany(
  t: Transport,
  count: number,
  concurrency: number,
  valueBytes: number,
  target: (i: number) => { namespace: string; name: string },
): Promise<LoadResult> {
  return runLoad(count, concurrency, async (i) => {
    const { namespace, name } = target(i);
    const r = await t.request(
      'POST',
      `/api/v1/namespaces/${namespace}/configmaps`,
      configMapJson(name, valueBytes),
    );
    expect(r.status, 201, `create ${namespace}/${name}`, r.body);
  });
}

/** GETs of random objects among the first `objects` names of `namespace`, one at a time. */
export function measureGets(
  t: Transport,
  namespace: string,
  objects: number,
  gets: number,
): Promise<LoadResult> {
  return runLoad(gets, 1, async () => {
    const name = objectName(Math.floor(Math.random() * objects));
    const r = await t.request('GET', `/api/v1/namespaces/${namespace}/configmaps/${name}`);
    expect(r.status, 200, `get ${namespace}/${name}`, r.body);
  });
}

export interface ListResult {
  load: LoadResult;
  bytes: number;
}

/**
 * Whole-namespace LISTs, one at a time, bodies discarded (the client does not parse them).
 * One untimed LIST first checks that the server returns exactly `objects` of the bench's items.
 */
export async function measureLists(
  t: Transport,
  namespace: string,
  objects: number,
  lists: number,
): Promise<ListResult> {
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const check = await t.request('GET', path);
  expect(check.status, 200, `list ${namespace}`, check.body);
  // Count only the bench's objects: controllers add their own (kube-root-ca.crt) to every namespace.
  const all = (
    JSON.parse(check.body.toString()) as { items: { metadata?: { labels?: Record<string, string> } }[] }
  ).items;
  const items = all.filter((o) => o.metadata?.labels?.bench === 'apiserver').length;
  if (items !== objects) throw new Error(`list ${namespace}: ${items} items, want ${objects}`);
  const load = await runLoad(lists, 1, async () => {
    const r = await t.request('GET', path, undefined, false);
    expect(r.status, 200, `list ${namespace}`, r.body);
  });
  return { load, bytes: check.bytes };
}
