/**
 * The generic store's write rules, through a real API server: names, preconditions, races,
 * and writes that start from a watch cache copy older than storage's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { Client } from '../../client/client.js';
import { ApiStatusError } from '../../client/errors.js';
import { deepFreeze } from '../../util/deep-freeze.js';
import type { KObject } from '../types.js';

describe('generic store writes', () => {
  let t: TestApiServer;
  let client: Client;
  before(async () => {
    t = await startTestApiServer();
    client = t.client();
  });
  after(() => t.close());

  it('generates names from generateName before validating', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    const a = await cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    const b = await cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    assert.match(a.metadata!.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(a.metadata!.name, b.metadata!.name);
  });

  it('re-applies concurrent patches that set no resourceVersion instead of failing them', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    await cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'race' },
      data: {},
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => cms.patch('default', 'race', { data: { [`k${i}`]: String(i) } })),
    );
    const final = await cms.get('default', 'race');
    assert.equal(Object.keys(final['data'] as object).length, 20);
  });

  it('treats a resourceVersion set by the patch as a precondition', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    const c = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } });
    await cms.patch('default', 'pre', { data: { a: '1' } });
    await assert.rejects(
      cms.patch('default', 'pre', {
        metadata: { resourceVersion: c.metadata!.resourceVersion },
        data: { b: '2' },
      }),
      (e) => e instanceof ApiStatusError && e.code === 409 && e.reason === 'Conflict',
    );
  });

  it('refuses a change of metadata.uid', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'uid' } });
    await assert.rejects(
      cms.patch('default', 'uid', { metadata: { uid: 'not-the-uid' } }),
      (e) =>
        e instanceof ApiStatusError &&
        e.code === 422 &&
        /metadata.uid: Invalid value: "not-the-uid": field is immutable/.test(e.message),
    );
  });
});

describe('status updates', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(() => t.close());

  it('answer with the resourceVersion they wrote', async () => {
    const deps = t.client().resource('apps', 'v1', 'deployments');
    const d = await deps.create('default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'st' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    d['status'] = { replicas: 0, observedGeneration: 1 };
    const updated = await deps.updateStatus(d);
    const read = await deps.get('default', 'st');
    assert.equal(updated.metadata?.resourceVersion, read.metadata?.resourceVersion);
    assert.notEqual(updated.metadata?.resourceVersion, d.metadata?.resourceVersion);
  });
});

describe('writes that start from a watch cache that is behind', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(() => t.close());

  /** Leaves `stale` in the watch cache as the current object, as if newer writes had not reached it. */
  const lagBehind = (key: string, stale: KObject) => {
    const cache = t.server.registry.get('', 'v1', 'configmaps')!.cache;
    (cache.objects as Map<string, KObject>).set(key, deepFreeze(structuredClone(stale)));
  };
  const cms = () => t.client().resource('', 'v1', 'configmaps');
  const KEY = (name: string) => `/registry/core/configmaps/default/${name}`;
  const untilCached = async (name: string, rv: string) => {
    const cache = t.server.registry.get('', 'v1', 'configmaps')!.cache;
    for (let i = 0; i < 200 && cache.objects.get(KEY(name))?.metadata?.resourceVersion !== rv; i++)
      await new Promise((r) => setTimeout(r, 10));
  };

  it('patches, replaces and no-ops are decided on storage, not on the older copy', async () => {
    const a = await cms().create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'lag' },
      data: { v: '1' },
    });
    const b = await cms().patch('default', 'lag', { data: { v: '2', w: 'x' } });
    await untilCached('lag', b.metadata!.resourceVersion!);

    // A patch computed on the stale copy would lose w; the compare-and-swap sends it to storage.
    lagBehind(KEY('lag'), a);
    const c = await cms().patch('default', 'lag', { data: { z: '3' } });
    assert.deepEqual(c['data'], { v: '2', w: 'x', z: '3' });
    await untilCached('lag', c.metadata!.resourceVersion!);

    // Setting v back to '1' is no change to the stale copy, but is one to storage's.
    lagBehind(KEY('lag'), a);
    const d = await cms().patch('default', 'lag', { data: { v: '1' } });
    assert.equal((d['data'] as Record<string, string>)['v'], '1');
    assert.notEqual(d.metadata?.resourceVersion, c.metadata?.resourceVersion);
    assert.equal(((await cms().get('default', 'lag'))['data'] as Record<string, string>)['v'], '1');
    await untilCached('lag', d.metadata!.resourceVersion!);

    // A PUT of the current version is not refused for the stale copy's older one...
    lagBehind(KEY('lag'), a);
    const e = await cms().update({ ...d, data: { v: 'put' } });
    assert.deepEqual(e['data'], { v: 'put' });
    // ...and a PUT of the stale copy's version is refused as storage's is newer.
    lagBehind(KEY('lag'), a);
    await assert.rejects(
      cms().update({ ...a, data: { v: 'late' } }),
      (err) => err instanceof ApiStatusError && err.code === 409,
    );
  });
});
