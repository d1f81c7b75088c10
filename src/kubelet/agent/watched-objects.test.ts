/** WatchedObjects against a real API server: reads served from watches, misses fetched, updates seen. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import { Client } from '../../client/client.js';
import { InProcessTransport } from '../../client/inprocess.js';
import type { HttpResponse, RequestOptions, Transport } from '../../client/transport.js';
import type { KObject } from '../../registry/types.js';
import { WatchedObjects } from './watched-objects.js';

const MASTER = { name: 'system:node:test', groups: ['system:nodes', 'system:masters'] };

/** Counts the plain requests (not watches) by method and path. */
class Counting implements Transport {
  readonly seen: string[] = [];
  constructor(private readonly inner: Transport) {}
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse> {
    this.seen.push(`${method} ${path.split('?')[0]}`);
    return this.inner.request(method, path, opts);
  }
  stream(path: string, signal: AbortSignal): AsyncIterable<string> {
    return this.inner.stream(path, signal);
  }
  close(): void {
    this.inner.close();
  }
}

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const configMap = (name: string, data: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

describe('WatchedObjects', () => {
  let t: TestApiServer;
  let admin: Client;
  before(async () => {
    t = await startTestApiServer();
    admin = t.client();
    await admin
      .resource('', 'v1', 'namespaces')
      .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wo' } });
  });
  after(async () => {
    admin.close();
    await t.close();
  });

  it('serves ConfigMaps from the watch once synced, and sees updates', async () => {
    const counting = new Counting(new InProcessTransport(t.server.handler, MASTER));
    const objects = new WatchedObjects(new Client(counting));
    try {
      const cms = admin.resource('', 'v1', 'configmaps');
      await cms.create('wo', configMap('a', { k: '1' }));
      const first = await objects.get('configmaps', 'wo', 'a');
      assert.equal(first?.['data'] && (first['data'] as Record<string, string>)['k'], '1');
      assert.deepEqual(objects.watching, ['configmaps/wo']);
      // Once the informer has the object, reads make no request.
      await until('cache hit', async () => {
        const before = counting.seen.filter((s) =>
          s.startsWith('GET /api/v1/namespaces/wo/configmaps/a'),
        ).length;
        await objects.get('configmaps', 'wo', 'a');
        const after = counting.seen.filter((s) =>
          s.startsWith('GET /api/v1/namespaces/wo/configmaps/a'),
        ).length;
        return after === before ? true : undefined;
      });
      const gets = counting.seen.length;
      for (let i = 0; i < 5; i++) await objects.get('configmaps', 'wo', 'a');
      assert.equal(counting.seen.length, gets);
      // An update reaches the reader through the watch.
      const current = await cms.get('wo', 'a');
      await cms.update({ ...current, data: { k: '2' } });
      await until('updated data', async () => {
        const got = await objects.get('configmaps', 'wo', 'a');
        return (got?.['data'] as Record<string, string> | undefined)?.['k'] === '2' ? true : undefined;
      });
      // Missing: undefined (a GET answers it); created right after: found at once.
      assert.equal(await objects.get('configmaps', 'wo', 'b'), undefined);
      await cms.create('wo', configMap('b', { x: 'y' }));
      assert.equal((await objects.get('configmaps', 'wo', 'b'))?.metadata?.name, 'b');
      // Deleted: gone once the watch says so.
      await cms.delete('wo', 'a');
      await until('deleted', async () => ((await objects.get('configmaps', 'wo', 'a')) ? undefined : true));
      // Resources that are not watched are always fetched.
      const n = counting.seen.length;
      assert.equal(await objects.get('persistentvolumeclaims', 'wo', 'none'), undefined);
      assert.equal(counting.seen.length, n + 1);
    } finally {
      await objects.stop();
      counting.close();
    }
  });

  it('stops a namespace informer nothing read from for ten minutes', async () => {
    let now = 1_000_000;
    const client = t.client(MASTER);
    const objects = new WatchedObjects(
      client,
      () => undefined,
      () => now,
    );
    try {
      await objects.get('secrets', 'wo', 's');
      await objects.get('configmaps', 'default', 'c');
      assert.deepEqual(objects.watching, ['configmaps/default', 'secrets/wo']);
      now += 5 * 60_000;
      await objects.get('configmaps', 'default', 'c');
      now += 6 * 60_000;
      await objects.get('configmaps', 'default', 'c');
      assert.deepEqual(objects.watching, ['configmaps/default']);
    } finally {
      await objects.stop();
      client.close();
    }
    assert.deepEqual(objects.watching, []);
  });

  it('lists the Services of a namespace from the watch', async () => {
    const counting = new Counting(new InProcessTransport(t.server.handler, MASTER));
    const objects = new WatchedObjects(new Client(counting));
    try {
      const names = async (ns: string) =>
        (await objects.listServices(ns)).map((s) => s.metadata?.name).sort();
      assert.deepEqual(await names('default'), ['kubernetes']);
      assert.deepEqual(await names('wo'), []);
      const lists = counting.seen.filter((s) => s.startsWith('GET /api/v1/services')).length;
      await admin.resource('', 'v1', 'services').create('wo', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { ports: [{ port: 80 }] },
      });
      await until('new service', async () => ((await names('wo')).includes('web') ? true : undefined));
      assert.deepEqual(await names('default'), ['kubernetes']);
      // One list for the informer, nothing per read.
      assert.equal(counting.seen.filter((s) => s.startsWith('GET /api/v1/services')).length, lists);
      assert.equal(lists, 1);
    } finally {
      await objects.stop();
      counting.close();
    }
  });
});
