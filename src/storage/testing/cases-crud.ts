/** Conformance cases: revisions, create/update/delete with compare-and-swap, reads at a revision, TTL, size. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreFactory } from '../conformance.js';
import { isStorageError } from '../errors.js';
import type { Store } from '../types.js';
import { dec, enc, eventually } from './helpers.js';

export function crudCases(factory: StoreFactory): void {
  describe('create, update, delete, get', () => {
    let s: Store;
    before(async () => {
      s = await factory.make();
    });
    after(() => s.close());

    it('assigns strictly increasing revisions to every write', async () => {
      const r0 = await s.currentRevision();
      const a = await s.create('/crud/rev/a', enc('1'));
      const b = await s.update('/crud/rev/a', enc('2'), a.modRevision);
      const c = await s.create('/crud/rev/b', enc('3'));
      const d = await s.delete('/crud/rev/a');
      assert.ok(a.modRevision > r0);
      assert.ok(b.modRevision > a.modRevision);
      assert.ok(c.modRevision > b.modRevision);
      assert.ok(d.revision > c.modRevision);
      assert.equal(await s.currentRevision(), d.revision);
    });

    it('create sets both revisions and fails with Exists on a live key', async () => {
      const kv = await s.create('/crud/c/x', enc('v1'));
      assert.equal(kv.createRevision, kv.modRevision);
      assert.equal(kv.key, '/crud/c/x');
      await assert.rejects(s.create('/crud/c/x', enc('v2')), (e) => isStorageError(e, 'Exists'));
      const got = await s.get('/crud/c/x');
      assert.equal(dec(got.value), 'v1');
      assert.equal(got.modRevision, kv.modRevision);
    });

    it('a deleted key can be created again with a new createRevision', async () => {
      const first = await s.create('/crud/c/again', enc('1'));
      await s.delete('/crud/c/again', first.modRevision);
      const second = await s.create('/crud/c/again', enc('2'));
      assert.ok(second.createRevision > first.createRevision);
    });

    it('update swaps only when the modRevision matches', async () => {
      const kv = await s.create('/crud/u/x', enc('v1'));
      const up = await s.update('/crud/u/x', enc('v2'), kv.modRevision);
      assert.equal(up.createRevision, kv.createRevision);
      assert.ok(up.modRevision > kv.modRevision);
      await assert.rejects(s.update('/crud/u/x', enc('v3'), kv.modRevision), (e: unknown) => {
        assert.ok(isStorageError(e, 'Conflict'));
        const cur = (e as { current?: { modRevision: number; value: Uint8Array } }).current;
        assert.equal(cur?.modRevision, up.modRevision, 'Conflict carries the current value');
        assert.equal(dec(cur!.value), 'v2');
        return true;
      });
      assert.equal(dec((await s.get('/crud/u/x')).value), 'v2');
    });

    it('update and delete of a missing key fail with NotFound', async () => {
      await assert.rejects(s.update('/crud/missing', enc('x'), 1), (e) => isStorageError(e, 'NotFound'));
      await assert.rejects(s.delete('/crud/missing'), (e) => isStorageError(e, 'NotFound'));
      await assert.rejects(s.delete('/crud/missing', 5), (e) => isStorageError(e, 'NotFound'));
      await assert.rejects(s.get('/crud/missing'), (e) => isStorageError(e, 'NotFound'));
    });

    it('delete honours the expected modRevision and returns the previous value', async () => {
      const kv = await s.create('/crud/d/x', enc('v1'));
      const up = await s.update('/crud/d/x', enc('v2'), kv.modRevision);
      await assert.rejects(s.delete('/crud/d/x', kv.modRevision), (e) => isStorageError(e, 'Conflict'));
      const del = await s.delete('/crud/d/x', up.modRevision);
      assert.equal(dec(del.prevKv.value), 'v2');
      assert.equal(del.prevKv.modRevision, up.modRevision);
      await assert.rejects(s.get('/crud/d/x'), (e) => isStorageError(e, 'NotFound'));
    });

    it('reads at a past revision see the state of that revision', async () => {
      const v1 = await s.create('/crud/h/x', enc('v1'));
      const v2 = await s.update('/crud/h/x', enc('v2'), v1.modRevision);
      const del = await s.delete('/crud/h/x');
      assert.equal(dec((await s.get('/crud/h/x', { revision: v1.modRevision })).value), 'v1');
      assert.equal(dec((await s.get('/crud/h/x', { revision: v2.modRevision })).value), 'v2');
      assert.equal(dec((await s.get('/crud/h/x', { revision: del.revision - 1 })).value), 'v2');
      await assert.rejects(s.get('/crud/h/x', { revision: del.revision }), (e) =>
        isStorageError(e, 'NotFound'),
      );
      await assert.rejects(s.get('/crud/h/x', { revision: v1.modRevision - 1 }), (e) =>
        isStorageError(e, 'NotFound'),
      );
    });

    it('rejects values over 1.5 MiB with TooLarge and accepts 1 MiB', async () => {
      await assert.rejects(s.create('/crud/big', Buffer.alloc(1.5 * 1024 * 1024 + 1)), (e) =>
        isStorageError(e, 'TooLarge'),
      );
      await assert.rejects(s.get('/crud/big'), (e) => isStorageError(e, 'NotFound'));
      const ok = await s.create('/crud/big', Buffer.alloc(1024 * 1024, 1));
      assert.equal((await s.get('/crud/big')).value.byteLength, 1024 * 1024);
      await assert.rejects(s.update('/crud/big', Buffer.alloc(2 * 1024 * 1024), ok.modRevision), (e) =>
        isStorageError(e, 'TooLarge'),
      );
    });

    it('of many concurrent compare-and-swaps on one key exactly one wins', async () => {
      const kv = await s.create('/crud/cas', enc('0'));
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => s.update('/crud/cas', enc(String(i + 1)), kv.modRevision)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      for (const r of lost) assert.ok(isStorageError((r as PromiseRejectedResult).reason, 'Conflict'));
      const winner = (won[0] as PromiseFulfilledResult<{ value: Uint8Array }>).value;
      assert.equal(dec((await s.get('/crud/cas')).value), dec(winner.value));
    });

    it('of many concurrent creates of one key exactly one wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => s.create('/crud/race', enc(String(i)))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'Exists'));
      }
    });

    it('increments guarded by compare-and-swap from many writers lose no update', async () => {
      await s.create('/crud/counter', enc('0'));
      const writers = 8;
      const each = 10;
      const incr = async (): Promise<void> => {
        for (let done = 0; done < each; ) {
          const cur = await s.get('/crud/counter');
          try {
            await s.update('/crud/counter', enc(String(Number(dec(cur.value)) + 1)), cur.modRevision);
            done++;
          } catch (e) {
            if (!isStorageError(e, 'Conflict')) throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, incr));
      assert.equal(dec((await s.get('/crud/counter')).value), String(writers * each));
    });

    it('deletes a key written with a TTL after it expires', async () => {
      await s.create('/crud/ttl/short', enc('x'), { ttlSeconds: 2 });
      await s.create('/crud/ttl/long', enc('y'), { ttlSeconds: 3600 });
      assert.equal(dec((await s.get('/crud/ttl/short')).value), 'x');
      await eventually(
        async () => {
          try {
            await s.get('/crud/ttl/short');
            return false;
          } catch (e) {
            return isStorageError(e, 'NotFound');
          }
        },
        15_000,
        'the TTL key to expire',
      );
      assert.equal(dec((await s.get('/crud/ttl/long')).value), 'y');
    });
  });
}
