/** Informers and leader election against a real API server (SQLite), through the in-process client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import type { KObject } from '../registry/types.js';
import type { Client } from './client.js';
import { InformerFactory } from './factory.js';
import { dropManagedFields, Informer } from './informer.js';
import { LeaderElector } from './leader.js';

async function until(what: string, f: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('informer and leader election', () => {
  let t: TestApiServer;
  let client: Client;
  before(async () => {
    t = await startTestApiServer();
    client = t.client();
  });
  after(() => t.close());

  const cm = (name: string, data: Record<string, string> = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: name.startsWith('x') ? 'x' : 'y' } },
    data,
  });

  it('lists, syncs, then delivers adds, (old, new) updates and deletes, with indexes', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    await cms.create('default', cm('x1'));
    const inf = new Informer(cms, { indexers: { byApp: (o) => [o.metadata?.labels?.['app'] ?? ''] } });
    const seen: string[] = [];
    inf.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (a, b) =>
        seen.push(
          `update ${a.metadata?.name} ${JSON.stringify(a['data'] ?? {})}->${JSON.stringify(b['data'])}`,
        ),
      onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
    });
    const ac = new AbortController();
    void inf.start(ac.signal);
    await inf.waitForSync();
    assert.ok(inf.hasSynced);
    await cms.create('default', cm('x2'));
    await cms.patch('default', 'x1', { data: { a: '1' } });
    await cms.delete('default', 'x2');
    await until('the events', () => seen.length >= 4);
    assert.deepEqual(seen, ['add x1', 'add x2', 'update x1 {}->{"a":"1"}', 'delete x2']);
    assert.deepEqual(
      inf.cache.byIndex('byApp', 'x').map((o) => o.metadata?.name),
      ['x1'],
    );
    assert.equal(inf.cache.byIndex('namespace', 'default').length, 1);
    ac.abort();
  });

  it('a throwing handler is logged and does not stop delivery', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    const logs: string[] = [];
    const inf = new Informer(cms, { log: (m) => logs.push(m), namespace: 'default' });
    const names: string[] = [];
    inf.addHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    inf.addHandler({ onAdd: (o) => names.push(o.metadata!.name!) });
    const ac = new AbortController();
    void inf.start(ac.signal);
    await inf.waitForSync();
    await cms.create('default', cm('y1'));
    await until('the add', () => names.includes('y1'));
    assert.ok(logs.some((l) => l.includes('boom')));
    ac.abort();
  });

  it('transforms every object before caching and handing it out, and an update keeps managedFields', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    await cms.create('default', cm('t1', { a: '1' }));
    const seen: KObject[] = [];
    const inf = new Informer(cms, {
      namespace: 'default',
      labelSelector: 'app=y',
      transform: dropManagedFields,
    });
    inf.addHandler({
      onAdd: (o) => seen.push(o),
      onUpdate: (_, o) => seen.push(o),
      onDelete: (o) => seen.push(o),
    });
    const ac = new AbortController();
    void inf.start(ac.signal);
    await inf.waitForSync();
    await cms.create('default', cm('t2'));
    await cms.patch('default', 't1', { data: { a: '2' } });
    await until(
      'the watched add and update',
      () => seen.filter((o) => o.metadata?.name !== 'y1').length >= 3,
    );
    await cms.delete('default', 't2');
    await until('the delete', () => seen.filter((o) => o.metadata?.name !== 'y1').length >= 4);
    // Listed, added, updated and deleted objects all arrive without managedFields.
    for (const o of seen) assert.equal(o.metadata?.managedFields, undefined, `${o.metadata?.name}`);
    const cached = inf.cache.getByName('default', 't1');
    assert.equal(cached?.metadata?.managedFields, undefined);
    assert.deepEqual(cached?.['data'], { a: '2' });
    // The server still has them; a write of the trimmed object keeps them.
    const live = await cms.get('default', 't1');
    assert.ok((live.metadata?.managedFields?.length ?? 0) > 0);
    const written = await cms.update({ ...cached, data: { a: '3' } });
    assert.deepEqual(
      written.metadata?.managedFields?.map((m) => m.manager),
      live.metadata?.managedFields?.map((m) => m.manager),
    );
    ac.abort();
  });

  it('dropManagedFields leaves other metadata alone and objects without it as they are', () => {
    const o: KObject = {
      metadata: { name: 'n', resourceVersion: '7', managedFields: [{ manager: 'm' }], labels: { a: 'b' } },
      spec: { x: 1 },
    };
    assert.deepEqual(dropManagedFields(o), {
      metadata: { name: 'n', resourceVersion: '7', labels: { a: 'b' } },
      spec: { x: 1 },
    });
    const bare: KObject = { metadata: { name: 'm' } };
    assert.equal(dropManagedFields(bare), bare);
    assert.deepEqual(bare, { metadata: { name: 'm' } });
  });

  it('lends a running informer through a factory: not restarted, handlers scoped to the borrower', async () => {
    const cms = client.resource('', 'v1', 'configmaps');
    const owner = new Informer(cms, { transform: dropManagedFields });
    const ownerSeen: string[] = [];
    owner.addHandler({ onAdd: (o) => ownerSeen.push(o.metadata?.name ?? '') });
    const ownerRun = new AbortController();
    void owner.start(ownerRun.signal);
    await owner.waitForSync();
    const term = new AbortController();
    const factory = new InformerFactory(client, () => {}, { borrowed: [owner], scope: term.signal });
    const lent = factory.informer('', 'v1', 'configmaps');
    assert.equal(lent.cache, owner.cache, 'the same cache, not a second copy');
    assert.notEqual(factory.informer('', 'v1', 'secrets').cache, owner.cache);
    const borrowerSeen: string[] = [];
    lent.addHandler({ onAdd: (o) => borrowerSeen.push(o.metadata?.name ?? '') });
    factory.start(term.signal);
    await factory.waitForSync(term.signal);
    await cms.create('default', cm('lent1'));
    await until('both to hear of lent1', () => borrowerSeen.includes('lent1') && ownerSeen.includes('lent1'));
    // The borrower's term ends: its handler goes, the owner's informer runs on.
    term.abort();
    await cms.create('default', cm('lent2'));
    await until('the owner to hear of lent2', () => ownerSeen.includes('lent2'));
    assert.ok(!borrowerSeen.includes('lent2'));
    assert.ok(owner.cache.getByName('default', 'lent2'));
    ownerRun.abort();
  });

  it('elects exactly one leader, and another takes over when it stops', async () => {
    const mk = (id: string) =>
      new LeaderElector({
        client,
        namespace: 'kube-system',
        name: 'test-lock',
        identity: id,
        retryPeriodSeconds: 0.1,
        leaseDurationSeconds: 2,
        renewDeadlineSeconds: 1,
      });
    const a = mk('a');
    const b = mk('b');
    const acA = new AbortController();
    const acB = new AbortController();
    const leading: string[] = [];
    const runA = a.run(acA.signal, () => leading.push('a'));
    await until('a to lead', () => leading.includes('a'));
    const runB = b.run(acB.signal, () => leading.push('b'));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(leading, ['a'], 'b waits while a renews');
    acA.abort();
    await runA;
    await until('b to take over', () => leading.includes('b'));
    acB.abort();
    await runB;
    assert.deepEqual(leading, ['a', 'b']);
  });
});
