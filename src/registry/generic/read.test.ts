/**
 * Paginated lists from the watch cache: pages cut from the snapshot the first page took
 * stay consistent while objects change, their continue tokens are storage's, a page
 * whose snapshot is gone is read from storage, and a token older than storage's
 * compaction point is expired (410).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../apiserver/errors.js';
import { SqliteStore } from '../../storage/sqlite/store.js';
import { ResourceCache } from '../cache/resource-cache.js';
import type { KObject } from '../types.js';
import { decode, encode } from './meta.js';
import { firstPageFromCache, nextPage } from './read.js';

const P = '/registry/core/configmaps/';

describe('paginated lists from the watch cache', () => {
  let dir: string;
  let store: SqliteStore;
  let cache: ResourceCache;

  /** Writes to storage and feeds the cache the same change, as the CacheSet would. */
  async function put(ns: string, name: string): Promise<void> {
    const key = `${P}${ns}/${name}`;
    const body: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name } };
    const kv = await store.create(key, encode(body));
    cache.apply(key, { type: 'ADDED', object: decode(kv.value, kv.modRevision), revision: kv.modRevision });
  }

  async function remove(ns: string, name: string): Promise<void> {
    const key = `${P}${ns}/${name}`;
    const gone = cache.objects.get(key);
    assert.ok(gone);
    const r = await store.delete(key);
    cache.apply(key, { type: 'DELETED', object: gone, revision: r.revision });
  }

  const namesOf = (items: KObject[]) => items.map((o) => o.metadata?.name ?? '');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-read-test-'));
    store = SqliteStore.open(join(dir, 'state.db'), { compaction: false });
    cache = new ResourceCache(P, 1000, 1000);
    cache.reset(new Map(), await store.currentRevision(), new Error('reset'));
    for (let i = 0; i < 7; i++) await put('a', `c${i}`);
    await put('b', 'other');
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages through a consistent snapshot while objects change', async () => {
    const rev = await store.currentRevision();
    const first = firstPageFromCache(cache, `${P}a/`, rev, { limit: 3 });
    assert.deepEqual(namesOf(first.items), ['c0', 'c1', 'c2']);
    assert.equal(first.remainingItemCount, 4);
    assert.equal(first.resourceVersion, String(rev));
    assert.ok(first.continue);
    await remove('a', 'c4');
    await put('a', 'c45');
    const second = await nextPage(store, cache, `${P}a/`, { limit: 3, continue: first.continue });
    assert.deepEqual(namesOf(second.items), ['c3', 'c4', 'c5']);
    assert.equal(second.resourceVersion, String(rev));
    assert.ok(second.continue);
    const third = await nextPage(store, cache, `${P}a/`, { limit: 3, continue: second.continue });
    assert.deepEqual(namesOf(third.items), ['c6']);
    assert.equal(third.continue, undefined);
    // A fresh list sees the changes.
    const now = firstPageFromCache(cache, `${P}a/`, await store.currentRevision(), { limit: 100 });
    assert.deepEqual(namesOf(now.items), ['c0', 'c1', 'c2', 'c3', 'c45', 'c5', 'c6']);
    assert.equal(now.continue, undefined);
  });

  it('reads a page from storage at the token revision when its snapshot is gone', async () => {
    const rev = await store.currentRevision();
    const first = firstPageFromCache(cache, P, rev, { limit: 2 });
    assert.ok(first.continue);
    await put('a', 'c9');
    cache.snapshots.clear();
    const rest = await nextPage(store, cache, P, { limit: 100, continue: first.continue });
    assert.deepEqual(namesOf(rest.items), ['c2', 'c3', 'c45', 'c5', 'c6', 'other']);
    assert.equal(rest.resourceVersion, String(rev));
  });

  it('applies the filter and counts only matching items toward the limit', async () => {
    const rev = await store.currentRevision();
    const odd = (o: KObject) => /[13579]$/.test(o.metadata?.name ?? '');
    const first = firstPageFromCache(cache, P, rev, { limit: 2, filter: odd });
    assert.deepEqual(namesOf(first.items), ['c1', 'c3']);
    assert.equal(first.remainingItemCount, undefined);
    assert.ok(first.continue);
    const rest = await nextPage(store, cache, P, { limit: 5, filter: odd, continue: first.continue });
    assert.deepEqual(namesOf(rest.items), ['c45', 'c5', 'c9']);
  });

  it('answers a bad token with 400 and a compacted one with 410', async () => {
    await assert.rejects(
      nextPage(store, cache, P, { limit: 2, continue: 'not-a-token' }),
      (err: unknown) => err instanceof ApiError && err.code === 400,
    );
    const first = firstPageFromCache(cache, P, await store.currentRevision(), { limit: 2 });
    assert.ok(first.continue);
    await put('a', 'later');
    await store.compact(await store.currentRevision());
    await assert.rejects(
      nextPage(store, cache, P, { limit: 2, continue: first.continue }),
      (err: unknown) => err instanceof ApiError && err.code === 410,
    );
  });
});
