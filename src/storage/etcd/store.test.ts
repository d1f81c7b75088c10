/** The etcd backend against real etcd: the shared conformance suite plus what is specific to etcd. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { type EtcdCluster, startEtcd } from '../../../test/support/etcd.js';
import { runStoreConformance } from '../conformance.js';
import { CompactedError, isStorageError } from '../errors.js';
import { dec, enc, eventually, expectQuiet, take } from '../testing/helpers.js';
import type { Store, WatchEvent } from '../types.js';
import { EtcdStore, type EtcdStoreOptions } from './store.js';

let etcd: EtcdCluster;
let n = 0;
// Fixed width, so that no store's namespace is a prefix of another's.
const freshPrefix = () => `/k8ts-test-${process.pid}-${String(n++).padStart(4, '0')}`;

before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', {
  make: async (opts) => EtcdStore.open({ endpoints: etcd.endpoints, prefix: freshPrefix(), ...opts }),
  spec: async () => ({ backend: 'etcd', endpoints: etcd.endpoints, prefix: freshPrefix() }),
});

function open(opts: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  return EtcdStore.open({ endpoints: etcd.endpoints, prefix: freshPrefix(), ...opts });
}

function iter(s: Store, prefix: string, from: number, signal: AbortSignal): AsyncIterator<WatchEvent> {
  return s.watch(prefix, from, signal)[Symbol.asyncIterator]();
}

const is = (code: Parameters<typeof isStorageError>[1]) => (e: unknown) => isStorageError(e, code);

describe('etcd store', () => {
  const ac = new AbortController();
  let s: EtcdStore;
  before(async () => {
    s = await open({ fanout: { bufferSize: 16, maxPending: 1000 } });
  });
  after(async () => {
    ac.abort();
    await s.close();
  });

  it('creates once, then refuses with Exists', async () => {
    const kv = await s.create('/c/a', enc('one'));
    assert.equal(kv.createRevision, kv.modRevision);
    await assert.rejects(s.create('/c/a', enc('two')), is('Exists'));
    const got = await s.get('/c/a');
    assert.equal(dec(got.value), 'one');
    assert.ok(Buffer.isBuffer(got.value));
  });

  it('updates by compare-and-swap and reports the current value on Conflict', async () => {
    const kv = await s.create('/u/a', enc('v1'));
    const up = await s.update('/u/a', enc('v2'), kv.modRevision);
    assert.equal(up.createRevision, kv.createRevision);
    assert.ok(up.modRevision > kv.modRevision);
    await assert.rejects(s.update('/u/a', enc('v3'), kv.modRevision), (e: unknown) => {
      assert.ok(isStorageError(e, 'Conflict'));
      const cur = (e as { current?: { modRevision: number; value: Uint8Array } }).current;
      assert.equal(cur?.modRevision, up.modRevision);
      assert.equal(dec(cur!.value), 'v2');
      return true;
    });
    await assert.rejects(s.update('/u/none', enc('x'), 0), is('NotFound'));
  });

  it('deletes, guarded or not, returning the previous value', async () => {
    const kv = await s.create('/d/a', enc('v1'));
    await assert.rejects(s.delete('/d/a', kv.modRevision + 1000), is('Conflict'));
    const del = await s.delete('/d/a', kv.modRevision);
    assert.equal(dec(del.prevKv.value), 'v1');
    assert.ok(del.revision > kv.modRevision);
    await assert.rejects(s.delete('/d/a'), is('NotFound'));
    await s.create('/d/b', enc('v'));
    assert.equal((await s.delete('/d/b')).prevKv.key, '/d/b');
  });

  it('reads a key as of a past revision', async () => {
    const v1 = await s.create('/g/a', enc('v1'));
    await s.update('/g/a', enc('v2'), v1.modRevision);
    assert.equal(dec((await s.get('/g/a', { revision: v1.modRevision })).value), 'v1');
    await assert.rejects(s.get('/g/a', { revision: v1.modRevision - 1 }), is('NotFound'));
    await assert.rejects(s.get('/g/a', { revision: (await s.currentRevision()) + 1000 }), is('Unavailable'));
  });

  it('paginates at the revision of the first page, with counts and continue tokens', async () => {
    for (let i = 0; i < 7; i++) await s.create(`/p/${i}`, enc(`v${i}`));
    await s.create('/p0', enc('outside the prefix'));
    const first = await s.list('/p/', { limit: 3 });
    assert.deepEqual(
      first.items.map((i) => i.key),
      ['/p/0', '/p/1', '/p/2'],
    );
    assert.equal(first.count, 7);
    assert.ok(first.continue);
    await s.delete('/p/4');
    await s.create('/p/9', enc('late'));
    const second = await s.list('/p/', { limit: 3, continue: first.continue });
    assert.equal(second.revision, first.revision);
    assert.equal(second.count, 4);
    assert.deepEqual(
      second.items.map((i) => i.key),
      ['/p/3', '/p/4', '/p/5'],
    );
    const third = await s.list('/p/', { limit: 3, continue: second.continue });
    assert.deepEqual(
      third.items.map((i) => i.key),
      ['/p/6'],
    );
    assert.equal(third.continue, undefined);
    const now = await s.list('/p/');
    assert.equal(now.count, 7);
    assert.ok(now.items.some((i) => i.key === '/p/9'));
  });

  it('watches from a past revision beyond the in-memory buffer, then live', async () => {
    const from = await s.currentRevision();
    const revs: number[] = [];
    for (let i = 0; i < 40; i++) revs.push((await s.create(`/w/past/${i}`, enc(String(i)))).modRevision);
    const w = iter(s, '/w/past/', from, ac.signal);
    const got = await take(w, 40);
    for (let i = 40; i < 45; i++) revs.push((await s.create(`/w/past/${i}`, enc(String(i)))).modRevision);
    const kv = await s.get('/w/past/0');
    revs.push((await s.update('/w/past/0', enc('again'), kv.modRevision)).modRevision);
    revs.push((await s.delete('/w/past/1')).revision);
    got.push(...(await take(w, 7)));
    assert.deepEqual(
      got.map((e) => e.revision),
      revs,
    );
    const [update, del] = got.slice(-2);
    assert.equal(update!.type, 'update');
    assert.equal(dec(update!.prevKv!.value), '0');
    assert.equal(del!.type, 'delete');
    assert.equal(del!.kv, undefined);
    assert.equal(dec(del!.prevKv!.value), '1');
    assert.equal(await expectQuiet(w, 100), undefined);
    await w.return?.();
  });

  it('delivers every event of a multi-key etcd transaction, in order', async () => {
    const raw = new Etcd3({ hosts: etcd.endpoints });
    try {
      const from = await s.currentRevision();
      const watchers = [iter(s, '/multi/', from, ac.signal), iter(s, '/multi/b', from, ac.signal)];
      const k = (name: string) => Buffer.from(`${s.prefix}/multi/${name}`);
      await raw.kv.txn({
        success: [
          { request_put: { key: k('a'), value: enc('1') } },
          { request_put: { key: k('b'), value: enc('2') } },
        ],
      });
      const after = await s.create('/multi/c', enc('3'));
      const all = await take(watchers[0]!, 3);
      assert.deepEqual(
        all.map((e) => e.key),
        ['/multi/a', '/multi/b', '/multi/c'],
      );
      assert.equal(all[0]!.revision, all[1]!.revision);
      assert.equal(all[2]!.revision, after.modRevision);
      const onlyB = await take(watchers[1]!, 1);
      assert.equal(onlyB[0]!.key, '/multi/b');
      // Resuming at the shared revision skips the whole transaction.
      const resumed = iter(s, '/multi/', all[0]!.revision, ac.signal);
      assert.equal((await take(resumed, 1))[0]!.key, '/multi/c');
      for (const w of [...watchers, resumed]) await w.return?.();
    } finally {
      raw.close();
    }
  });

  it('expires TTL keys through shared leases, with delete events', async () => {
    const t = await open({ leases: { reuseFraction: 1, maxReuseSeconds: 1 } });
    const raw = new Etcd3({ hosts: etcd.endpoints });
    const local = new AbortController();
    try {
      const w = iter(t, '/ttl/', await t.currentRevision(), local.signal);
      await t.create('/ttl/a', enc('a'), { ttlSeconds: 1 });
      await t.create('/ttl/b', enc('b'), { ttlSeconds: 1 });
      await t.create('/ttl/keep', enc('k'));
      const lease = async (key: string) =>
        (await raw.kv.range({ key: Buffer.from(`${t.prefix}${key}`) })).kvs[0]?.lease;
      const [la, lb] = [await lease('/ttl/a'), await lease('/ttl/b')];
      assert.notEqual(la, '0');
      assert.equal(la, lb, 'writes with the same TTL share one lease');
      await eventually(async () => (await t.list('/ttl/')).count === 1, 15_000, 'the TTL keys to expire');
      const evs = await take(w, 5);
      assert.deepEqual(
        evs.map((e) => `${e.type} ${e.key}`),
        ['create /ttl/a', 'create /ttl/b', 'create /ttl/keep', 'delete /ttl/a', 'delete /ttl/b'],
      );
      assert.equal(dec(evs[4]!.prevKv!.value), 'b');
      assert.equal(dec((await t.get('/ttl/keep')).value), 'k');
    } finally {
      local.abort();
      raw.close();
      await t.close();
    }
  });

  it('refuses a value over the limit with TooLarge, before sending it', async () => {
    await assert.rejects(s.create('/big', Buffer.alloc(1.5 * 1024 * 1024 + 1)), is('TooLarge'));
    await assert.rejects(s.get('/big'), is('NotFound'));
    const ok = await s.create('/big', Buffer.alloc(1.5 * 1024 * 1024 - 1024, 7));
    assert.equal((await s.get('/big')).value.byteLength, 1.5 * 1024 * 1024 - 1024);
    await assert.rejects(s.update('/big', new Uint8Array(2 * 1024 * 1024), ok.modRevision), is('TooLarge'));
  });

  it('compacts: old reads and watches fail with Compacted, and other stores learn the point', async () => {
    const a = await s.create('/cmp/a', enc('1'));
    const b = await s.update('/cmp/a', enc('2'), a.modRevision);
    const page = await s.list('/cmp/', { limit: 1, revision: a.modRevision });
    await s.compact(b.modRevision);
    assert.equal(await s.compactRevision(), b.modRevision);
    await assert.rejects(s.get('/cmp/a', { revision: a.modRevision }), (e: unknown) => {
      assert.ok(e instanceof CompactedError);
      assert.equal(e.compactRevision, b.modRevision);
      return true;
    });
    await assert.rejects(s.list('/cmp/', { revision: a.modRevision }), is('Compacted'));
    assert.equal(page.continue, undefined);
    await assert.rejects(iter(s, '/cmp/', a.modRevision - 1, ac.signal).next(), is('Compacted'));
    assert.equal(dec((await s.get('/cmp/a', { revision: b.modRevision })).value), '2');
    await s.compact(a.modRevision); // already compacted further: nothing to do
    const other = await open();
    try {
      assert.equal(await other.compactRevision(), b.modRevision);
      // The other store learned the compaction point when it opened.
      await assert.rejects(iter(other, '/cmp/', a.modRevision - 1, ac.signal).next(), is('Compacted'));
    } finally {
      await other.close();
    }
  });

  it('reports Unavailable, not a hang, when no member answers', async () => {
    const t = await EtcdStore.open({ endpoints: ['http://127.0.0.1:1'], retryTimeoutMs: 300 }).catch(
      (e) => e,
    );
    assert.ok(isStorageError(t, 'Unavailable'), String(t));
  });
});

describe('etcd store on a 3-member cluster', () => {
  it('keeps reading, writing and watching when the first endpoint is SIGKILLed', async () => {
    const cluster = await startEtcd({ members: 3 });
    const ac = new AbortController();
    const s = await EtcdStore.open({ endpoints: cluster.endpoints, prefix: '/ha' });
    try {
      const from = await s.currentRevision();
      const w = iter(s, '/x/', from, ac.signal);
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) revs.push((await s.create(`/x/${i}`, enc(String(i)))).modRevision);
      await cluster.killMember(0);
      for (let i = 10; i < 30; i++) revs.push((await s.create(`/x/${i}`, enc(String(i)))).modRevision);
      const cur = await s.get('/x/3');
      revs.push((await s.update('/x/3', enc('changed'), cur.modRevision)).modRevision);
      assert.equal((await s.list('/x/')).count, 30);
      assert.equal(dec((await s.get('/x/3')).value), 'changed');
      const got = await take(w, revs.length, 30_000);
      assert.deepEqual(
        got.map((e) => e.revision),
        revs,
      );
      assert.equal(await expectQuiet(w, 200), undefined);
      // A watcher from the start still reads history through the surviving members.
      const late = iter(s, '/x/', from, ac.signal);
      assert.equal((await take(late, revs.length, 30_000)).length, revs.length);
    } finally {
      ac.abort();
      await s.close();
      await cluster.stop();
    }
  });

  it('resumes the shared feed after its member restarts, with no gap and no duplicate', async () => {
    const single = await startEtcd();
    const ac = new AbortController();
    const s = await EtcdStore.open({
      endpoints: single.endpoints,
      prefix: '/resume',
      retryTimeoutMs: 20_000,
    });
    try {
      const w = iter(s, '/r/', await s.currentRevision(), ac.signal);
      const revs: number[] = [];
      for (let i = 0; i < 5; i++) revs.push((await s.create(`/r/${i}`, enc('x'))).modRevision);
      assert.equal((await take(w, 5)).length, 5);
      await single.killMember(0);
      // Issued while etcd is down: retried until it is back.
      const during = s.create('/r/during', enc('y'));
      await single.restartMember(0);
      revs.push((await during).modRevision);
      for (let i = 5; i < 10; i++) revs.push((await s.create(`/r/${i}`, enc('x'))).modRevision);
      const rest = await take(w, revs.length - 5, 30_000);
      assert.deepEqual(
        rest.map((e) => e.revision),
        revs.slice(5),
      );
      assert.equal(await expectQuiet(w, 200), undefined);
    } finally {
      ac.abort();
      await s.close();
      await single.stop();
    }
  });
});
