/** Conformance cases: watch order, resume, history, prefix, fan-out, slow watchers, compaction. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreFactory } from '../conformance.js';
import { isStorageError } from '../errors.js';
import type { Store, WatchEvent } from '../types.js';
import { dec, enc, expectQuiet, take, withDeadline } from './helpers.js';

function iter(s: Store, prefix: string, from: number, signal: AbortSignal): AsyncIterator<WatchEvent> {
  return s.watch(prefix, from, signal)[Symbol.asyncIterator]();
}

export function watchCases(factory: StoreFactory): void {
  describe('watch', () => {
    let s: Store;
    const ac = new AbortController();
    before(async () => {
      s = await factory.make();
    });
    after(async () => {
      ac.abort();
      await s.close();
    });

    it('delivers create, update and delete in order with previous values', async () => {
      const from = await s.currentRevision();
      const w = iter(s, '/w/basic/', from, ac.signal);
      const c = await s.create('/w/basic/x', enc('v1'));
      const u = await s.update('/w/basic/x', enc('v2'), c.modRevision);
      const d = await s.delete('/w/basic/x');
      const evs = await take(w, 3);
      assert.deepEqual(
        evs.map((e) => [e.type, e.key, e.revision]),
        [
          ['create', '/w/basic/x', c.modRevision],
          ['update', '/w/basic/x', u.modRevision],
          ['delete', '/w/basic/x', d.revision],
        ],
      );
      assert.equal(dec(evs[0]!.kv!.value), 'v1');
      assert.equal(evs[0]!.prevKv, undefined);
      assert.equal(dec(evs[1]!.kv!.value), 'v2');
      assert.equal(evs[1]!.kv!.createRevision, c.modRevision);
      assert.equal(dec(evs[1]!.prevKv!.value), 'v1');
      assert.equal(evs[1]!.prevKv!.modRevision, c.modRevision);
      assert.equal(evs[2]!.kv, undefined);
      assert.equal(dec(evs[2]!.prevKv!.value), 'v2');
      assert.equal(evs[2]!.prevKv!.modRevision, u.modRevision);
      await w.return?.();
    });

    it('sees only its prefix', async () => {
      const from = await s.currentRevision();
      const w = iter(s, '/w/pre/a/', from, ac.signal);
      await s.create('/w/pre/b/1', enc('no'));
      await s.create('/w/pre/ab', enc('no'));
      const yes = await s.create('/w/pre/a/1', enc('yes'));
      const [ev] = await take(w, 1);
      assert.equal(ev!.revision, yes.modRevision);
      assert.equal(await expectQuiet(w), undefined);
      await w.return?.();
    });

    it('resumes from any past revision with nothing missed and nothing repeated', async () => {
      const base = await s.currentRevision();
      const revs: number[] = [];
      for (let i = 0; i < 30; i++) revs.push((await s.create(`/w/resume/${i}`, enc(String(i)))).modRevision);
      for (const cut of [base, revs[0]!, revs[14]!, revs[28]!]) {
        const w = iter(s, '/w/resume/', cut, ac.signal);
        const want = revs.filter((r) => r > cut);
        const got = await take(w, want.length);
        assert.deepEqual(
          got.map((e) => e.revision),
          want,
        );
        assert.equal(await expectQuiet(w, 100), undefined);
        await w.return?.();
      }
    });

    it('keeps revision order under concurrent writers and delivers every acknowledged write', async () => {
      const from = await s.currentRevision();
      const w = iter(s, '/w/conc/', from, ac.signal);
      const acked: number[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async (_, wi) => {
          for (let i = 0; i < 25; i++) {
            const kv = await s.create(`/w/conc/${wi}/${i}`, enc('x'));
            acked.push(kv.modRevision);
            if (i % 5 === 4)
              acked.push((await s.update(`/w/conc/${wi}/${i}`, enc('y'), kv.modRevision)).modRevision);
          }
        }),
      );
      const got = await take(w, acked.length, 30_000);
      const seen = got.map((e) => e.revision);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, 'strictly increasing');
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [...acked].sort((a, b) => a - b),
      );
      await w.return?.();
    });

    it('fans one feed out to many watchers', async () => {
      const from = await s.currentRevision();
      const watchers = Array.from({ length: 50 }, () => iter(s, '/w/fan/', from, ac.signal));
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) revs.push((await s.create(`/w/fan/${i}`, enc('x'))).modRevision);
      for (const w of watchers) {
        assert.deepEqual(
          (await take(w, 10)).map((e) => e.revision),
          revs,
        );
        await w.return?.();
      }
    });

    it('ends normally when its signal aborts', async () => {
      const local = new AbortController();
      const w = iter(s, '/w/abort/', await s.currentRevision(), local.signal);
      const pending = w.next();
      local.abort();
      const r = await withDeadline(pending, Date.now() + 5000, 'the aborted watch to end');
      assert.equal(r.done, true);
    });
  });

  describe('watch with a small buffer', () => {
    let s: Store;
    const ac = new AbortController();
    before(async () => {
      s = await factory.make({ fanout: { bufferSize: 16, maxPending: 64 } });
    });
    after(async () => {
      ac.abort();
      await s.close();
    });

    it('serves starting points older than the in-memory buffer from history', async () => {
      const from = await s.currentRevision();
      const revs: number[] = [];
      for (let i = 0; i < 60; i++) revs.push((await s.create(`/ws/hist/${i}`, enc(String(i)))).modRevision);
      const w = iter(s, '/ws/hist/', from, ac.signal);
      const got = await take(w, 40);
      // Writes made while the watcher is catching up must follow without a gap.
      const more: number[] = [];
      for (let i = 60; i < 70; i++) more.push((await s.create(`/ws/hist/${i}`, enc(String(i)))).modRevision);
      got.push(...(await take(w, 30)));
      assert.deepEqual(
        got.map((e) => e.revision),
        [...revs, ...more],
      );
      assert.equal(dec(got[59]!.kv!.value), '59');
      await w.return?.();
    });

    it('cuts off a watcher that falls too far behind, without slowing the writers', async () => {
      const slow = iter(s, '/ws/slow/', await s.currentRevision(), ac.signal);
      const fast = iter(s, '/ws/slow/', await s.currentRevision(), ac.signal);
      const revs: number[] = [];
      const reader = take(fast, 200, 30_000);
      for (let i = 0; i < 200; i++) revs.push((await s.create(`/ws/slow/${i}`, enc('x'))).modRevision);
      assert.deepEqual(
        (await reader).map((e) => e.revision),
        revs,
      );
      await assert.rejects(
        (async () => {
          for (let i = 0; i < 200; i++) {
            const r = await withDeadline(slow.next(), Date.now() + 10_000, 'the slow watcher');
            if (r.done) throw new Error('slow watcher ended instead of failing');
          }
        })(),
        (e) => isStorageError(e, 'Unavailable'),
      );
    });

    it('fails with Compacted when watching from before the compaction point', async () => {
      const a = await s.create('/ws/comp/a', enc('1'));
      await s.update('/ws/comp/a', enc('2'), a.modRevision);
      const now = await s.currentRevision();
      await s.compact(now);
      const w = iter(s, '/ws/comp/', a.modRevision - 1, ac.signal);
      await assert.rejects(w.next(), (e) => isStorageError(e, 'Compacted'));
      const ok = iter(s, '/ws/comp/', now, ac.signal);
      const c = await s.create('/ws/comp/b', enc('3'));
      assert.equal((await take(ok, 1))[0]!.revision, c.modRevision);
      await ok.return?.();
    });
  });
}
