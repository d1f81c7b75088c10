/** Conformance cases: prefix lists, pagination at a pinned revision, counts, compaction of reads. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreFactory } from '../conformance.js';
import { isStorageError } from '../errors.js';
import type { Store } from '../types.js';
import { dec, enc } from './helpers.js';

export function listCases(factory: StoreFactory): void {
  describe('list and compaction', () => {
    let s: Store;
    before(async () => {
      s = await factory.make();
    });
    after(() => s.close());

    it('lists only keys under the prefix, in key order, with a count', async () => {
      for (const k of ['/l/p/b', '/l/p/a', '/l/p/c', '/l/pq/x', '/l/o/x']) await s.create(k, enc(k));
      const res = await s.list('/l/p/');
      assert.deepEqual(
        res.items.map((i) => i.key),
        ['/l/p/a', '/l/p/b', '/l/p/c'],
      );
      assert.equal(res.count, 3);
      assert.equal(res.continue, undefined);
      assert.equal(res.revision, await s.currentRevision());
      assert.equal(dec(res.items[0]!.value), '/l/p/a');
      assert.equal((await s.list('/l/none/')).items.length, 0);
    });

    it('paginates one consistent snapshot while writes go on', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `/l/page/${String(i).padStart(3, '0')}`);
      for (const k of keys) await s.create(k, enc('orig'));
      const first = await s.list('/l/page/', { limit: 10 });
      assert.equal(first.items.length, 10);
      assert.equal(first.count, 25);
      assert.ok(first.continue);
      // Change the world between pages: none of it may show in later pages.
      await s.delete(keys[15]!);
      await s.create('/l/page/999', enc('new'));
      const cur = await s.get(keys[20]!);
      await s.update(keys[20]!, enc('changed'), cur.modRevision);
      const second = await s.list('/l/page/', { limit: 10, continue: first.continue });
      assert.equal(second.revision, first.revision);
      assert.equal(second.count, 15);
      const third = await s.list('/l/page/', { limit: 10, continue: second.continue });
      assert.equal(third.continue, undefined);
      const all = [...first.items, ...second.items, ...third.items];
      assert.deepEqual(
        all.map((i) => i.key),
        keys,
      );
      assert.ok(all.every((i) => dec(i.value) === 'orig'));
      // A fresh listing sees the new state.
      const now = await s.list('/l/page/');
      assert.equal(now.items.length, 25);
      assert.ok(now.items.some((i) => i.key === '/l/page/999'));
      assert.ok(!now.items.some((i) => i.key === keys[15]));
    });

    it('lists at a given revision', async () => {
      const a = await s.create('/l/rev/a', enc('1'));
      await s.create('/l/rev/b', enc('2'));
      await s.delete('/l/rev/a');
      const past = await s.list('/l/rev/', { revision: a.modRevision });
      assert.deepEqual(
        past.items.map((i) => i.key),
        ['/l/rev/a'],
      );
      assert.equal(past.revision, a.modRevision);
      const pastPage = await s.list('/l/rev/', { revision: a.modRevision + 1, limit: 1 });
      assert.equal(pastPage.count, 2);
      const next = await s.list('/l/rev/', { limit: 1, continue: pastPage.continue });
      assert.deepEqual(
        next.items.map((i) => i.key),
        ['/l/rev/b'],
      );
    });

    it('compaction removes old revisions: reads before it fail with Compacted, current data stays', async () => {
      const a = await s.create('/l/c/a', enc('1'));
      const a2 = await s.update('/l/c/a', enc('2'), a.modRevision);
      const b = await s.create('/l/c/b', enc('b'));
      await s.delete('/l/c/b', b.modRevision);
      const page = await s.list('/l/c/', { limit: 1, revision: a.modRevision });
      const keep = await s.create('/l/c/z', enc('z'));
      await s.compact(keep.modRevision);
      assert.ok((await s.compactRevision()) >= keep.modRevision);
      await assert.rejects(s.get('/l/c/a', { revision: a.modRevision }), (e) =>
        isStorageError(e, 'Compacted'),
      );
      await assert.rejects(s.list('/l/c/', { revision: a.modRevision }), (e) =>
        isStorageError(e, 'Compacted'),
      );
      if (page.continue) {
        await assert.rejects(s.list('/l/c/', { limit: 1, continue: page.continue }), (e) =>
          isStorageError(e, 'Compacted'),
        );
      }
      const cur = await s.get('/l/c/a');
      assert.equal(dec(cur.value), '2');
      assert.equal(cur.modRevision, a2.modRevision);
      assert.equal(cur.createRevision, a.createRevision);
      await assert.rejects(s.get('/l/c/b'), (e) => isStorageError(e, 'NotFound'));
      const at = await s.list('/l/c/', { revision: keep.modRevision });
      assert.deepEqual(
        at.items.map((i) => i.key),
        ['/l/c/a', '/l/c/z'],
      );
      // Writes continue normally after compaction.
      const up = await s.update('/l/c/a', enc('3'), a2.modRevision);
      assert.ok(up.modRevision > keep.modRevision);
    });
  });
}
