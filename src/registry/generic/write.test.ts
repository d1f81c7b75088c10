/** The generic store's write rules, through a real API server: names, preconditions, races. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { Client } from '../../client/client.js';
import { ApiStatusError } from '../../client/errors.js';

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
