/** The watch cache's ordered lists and list snapshots, and the bounded keeping of snapshots. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../types.js';
import { ListSnapshots } from './list-snapshots.js';
import { type CacheEvent, lowerBound, ResourceCache, TooOldError } from './resource-cache.js';

const P = '/registry/core/configmaps/';

function obj(ns: string, name: string, v = 0): KObject {
  return { metadata: { namespace: ns, name, labels: { v: String(v) } } };
}

function names(objs: KObject[]): string[] {
  return objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);
}

describe('ResourceCache lists', () => {
  it('lists in key order across adds, updates and deletes, and by namespace prefix', () => {
    const c = new ResourceCache(P, 100, 100);
    c.reset(new Map([[`${P}b/x`, obj('b', 'x')]]), 1, new Error('reset'));
    let rev = 1;
    const apply = (type: CacheEvent['type'], ns: string, name: string, v = 0) =>
      c.apply(`${P}${ns}/${name}`, { type, object: obj(ns, name, v), revision: ++rev });
    apply('ADDED', 'a', 'z');
    apply('ADDED', 'c', 'a');
    assert.deepEqual(names(c.list(P)), ['a/z', 'b/x', 'c/a']);
    apply('ADDED', 'a', 'b');
    apply('DELETED', 'b', 'x');
    apply('MODIFIED', 'c', 'a', 2);
    assert.deepEqual(names(c.list(P)), ['a/b', 'a/z', 'c/a']);
    assert.equal(c.list(P).at(-1)?.metadata?.labels?.['v'], '2');
    assert.deepEqual(names(c.list(`${P}a/`)), ['a/b', 'a/z']);
    assert.deepEqual(names(c.list(`${P}b/`)), []);
    // A key deleted and added again appears once.
    apply('DELETED', 'a', 'z');
    apply('ADDED', 'a', 'z');
    assert.deepEqual(names(c.list(P)), ['a/b', 'a/z', 'c/a']);
    assert.deepEqual(names(c.list(P, (o) => o.metadata?.name !== 'b')), ['a/z', 'c/a']);
  });

  it('takes snapshots that later changes do not alter', () => {
    const c = new ResourceCache(P, 100, 100);
    c.reset(new Map(), 1, new Error('reset'));
    for (let i = 0; i < 5; i++)
      c.apply(`${P}ns/o${i}`, { type: 'ADDED', object: obj('ns', `o${i}`), revision: 2 + i });
    const snap = c.snapshot(`${P}ns/`, 6);
    c.apply(`${P}ns/o0`, { type: 'DELETED', object: obj('ns', 'o0'), revision: 7 });
    c.apply(`${P}ns/o9`, { type: 'ADDED', object: obj('ns', 'o9'), revision: 8 });
    assert.equal(snap.revision, 6);
    assert.deepEqual(
      snap.keys,
      [0, 1, 2, 3, 4].map((i) => `${P}ns/o${i}`),
    );
    assert.deepEqual(
      names(snap.objects),
      [0, 1, 2, 3, 4].map((i) => `ns/o${i}`),
    );
    assert.deepEqual(names(c.list(P)), ['ns/o1', 'ns/o2', 'ns/o3', 'ns/o4', 'ns/o9']);
  });

  it('keeps at least capacity events, and a quarter of the object count when that is more', () => {
    const c = new ResourceCache(P, 10, 1000);
    c.reset(new Map(), 1, new Error('reset'));
    let rev = 1;
    // 20 objects: the ring keeps 10 events (capacity beats 20 / 4).
    for (let i = 0; i < 20; i++)
      c.apply(`${P}ns/o${i}`, { type: 'ADDED', object: obj('ns', `o${i}`), revision: ++rev });
    assert.equal(c.ringCapacity, 10);
    assert.equal(c.ringSize, 10);
    const ac = new AbortController();
    assert.throws(() => c.watch(P, rev - 11, rev, ac.signal, {}), TooOldError);
    // 100 objects: 25 events, and a watcher resumes from 25 events back.
    for (let i = 20; i < 100; i++)
      c.apply(`${P}ns/o${i}`, { type: 'ADDED', object: obj('ns', `o${i}`), revision: ++rev });
    assert.equal(c.ringCapacity, 25);
    assert.equal(c.ringSize, 25);
    const w = c.watch(P, rev - 25, rev, ac.signal, {});
    assert.equal(w.pending, 25);
    assert.throws(() => c.watch(P, rev - 26, rev, ac.signal, {}), TooOldError);
    // Deletes shrink the object count; the ring shrinks with the next events.
    for (let i = 0; i < 90; i++)
      c.apply(`${P}ns/o${i}`, { type: 'DELETED', object: obj('ns', `o${i}`), revision: ++rev });
    assert.equal(c.ringCapacity, 10);
    assert.equal(c.ringSize, 10);
    ac.abort();
  });

  it('finds the lower bound of a key', () => {
    const keys = ['a', 'b', 'b\u0000', 'c'];
    assert.equal(lowerBound(keys, ''), 0);
    assert.equal(lowerBound(keys, 'b'), 1);
    assert.equal(lowerBound(keys, 'b\u0000'), 2);
    assert.equal(lowerBound(keys, 'bz'), 3);
    assert.equal(lowerBound(keys, 'd'), 4);
  });
});

describe('ListSnapshots', () => {
  const snap = (revision: number) => ({ revision, keys: [], objects: [] });

  it('keeps at most max snapshots, dropping the oldest', () => {
    const s = new ListSnapshots({ max: 2 });
    s.put(P, snap(1));
    s.put(P, snap(2));
    s.put(`${P}ns/`, snap(2));
    assert.equal(s.size, 2);
    assert.equal(s.get(P, 1), undefined);
    assert.equal(s.get(P, 2)?.revision, 2);
    assert.equal(s.get(`${P}ns/`, 2)?.revision, 2);
    assert.equal(s.get(`${P}other/`, 2), undefined);
  });

  it('forgets a snapshot after its time', () => {
    let now = 0;
    const s = new ListSnapshots({ ttlMs: 1000, now: () => now });
    s.put(P, snap(1));
    now = 500;
    s.put(P, snap(2));
    now = 1200;
    assert.equal(s.get(P, 1), undefined);
    assert.equal(s.get(P, 2)?.revision, 2);
    s.clear();
    assert.equal(s.get(P, 2), undefined);
  });
});
