/** The SQLite backend: the shared conformance suite plus what is specific to SQLite. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runStoreConformance } from '../conformance.js';
import { isStorageError } from '../errors.js';
import { SqliteStore } from './store.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
let n = 0;
const fresh = () => join(root, `db-${n++}`, 'state.db');
after(() => rmSync(root, { recursive: true, force: true }));

runStoreConformance('sqlite', {
  make: async (opts) => SqliteStore.open(fresh(), { compaction: false, ...opts }),
  spec: async () => ({ backend: 'sqlite', path: fresh() }),
});

describe('sqlite store', () => {
  it('keeps data and the revision across a close and reopen', async () => {
    const path = fresh();
    const a = SqliteStore.open(path);
    await a.create('/k/1', Buffer.from('one'));
    const kv = await a.create('/k/2', Buffer.from('two'));
    await a.delete('/k/1');
    const rev = await a.currentRevision();
    await a.close();
    const b = SqliteStore.open(path);
    try {
      assert.equal(await b.currentRevision(), rev);
      assert.equal((await b.get('/k/2')).modRevision, kv.modRevision);
      await assert.rejects(b.get('/k/1'), (e) => isStorageError(e, 'NotFound'));
      assert.ok((await b.create('/k/3', Buffer.from('3'))).modRevision > rev);
    } finally {
      await b.close();
    }
  });

  it('lets reads see only acknowledged writes while groups are syncing', async () => {
    // Small groups, so that reads fall between them.
    const s = SqliteStore.open(fresh(), { maxBatch: 10 });
    try {
      const acked = new Set<string>();
      const writes = Array.from({ length: 300 }, (_, i) => {
        const key = `/sync/${String(i).padStart(3, '0')}`;
        return s.create(key, Buffer.from('v')).then(() => acked.add(key));
      });
      let reads = 0;
      let done = false;
      const all = Promise.all(writes).then(() => {
        done = true;
      });
      for (let round = 0; round < 1000 && !done; round++) {
        const listed = await s.list('/sync/');
        for (const kv of listed.items)
          assert.ok(acked.has(kv.key), `${kv.key} read before it was acknowledged`);
        assert.ok(listed.revision <= (await s.currentRevision()));
        reads++;
        await new Promise<void>((r) => setImmediate(r));
      }
      await all;
      assert.ok(reads > 1, 'reads ran while writes were in flight');
      assert.equal((await s.list('/sync/')).items.length, 300);
    } finally {
      await s.close();
    }
  });

  it('commits and acknowledges the writes queued when it closes', async () => {
    const path = fresh();
    const a = SqliteStore.open(path);
    const writes = Array.from({ length: 50 }, (_, i) => a.create(`/closing/${i}`, Buffer.from('v')));
    await a.close();
    const revs = await Promise.all(writes);
    await assert.rejects(a.create('/closing/late', Buffer.from('v')), (e) =>
      isStorageError(e, 'Unavailable'),
    );
    const b = SqliteStore.open(path);
    try {
      const listed = await b.list('/closing/');
      assert.equal(listed.items.length, 50);
      assert.equal(listed.revision, Math.max(...revs.map((kv) => kv.modRevision)));
    } finally {
      await b.close();
    }
  });

  it('refuses a second opener of the same database', async () => {
    const path = fresh();
    const a = SqliteStore.open(path);
    await a.create('/lock', Buffer.from('x'));
    try {
      assert.throws(() => {
        const b = SqliteStore.open(path);
        void b.close();
      });
    } finally {
      await a.close();
    }
  });

  it('automatic compaction keeps the log bounded under churn', async () => {
    let now = 1_000_000;
    const s = SqliteStore.open(fresh(), {
      now: () => now,
      compaction: { intervalMs: 3_600_000, retainMs: 60_000, retainRevisions: 50 },
    });
    try {
      // 20 "nodes" renewing a lease every 10 s for 30 simulated minutes.
      const revs = new Map<string, number>();
      for (let i = 0; i < 20; i++)
        revs.set(`/lease/${i}`, (await s.create(`/lease/${i}`, Buffer.from('0'))).modRevision);
      const compactor = (s as unknown as { compactor: { tick(): Promise<number | undefined> } }).compactor;
      for (let tick = 0; tick < 180; tick++) {
        now += 10_000;
        for (const [k, r] of revs) revs.set(k, (await s.update(k, Buffer.from(String(tick)), r)).modRevision);
        if (tick % 6 === 5) await compactor.tick();
      }
      const size = await s.logSize();
      // 3,620 writes happened; about 1 minute (6 renewals x 20 keys) plus the retained minimum stays.
      assert.ok(size < 400, `log has ${size} rows`);
      assert.ok((await s.compactRevision()) > 0);
      for (const [k, r] of revs) assert.equal((await s.get(k)).modRevision, r);
    } finally {
      await s.close();
    }
  });

  it('stops when its database thread dies: writes, reads and watches end as Unavailable', async () => {
    const s = SqliteStore.open(fresh());
    try {
      await s.create('/dies/1', Buffer.from('x'));
      const ac = new AbortController();
      const watch = s.watch('/dies/', 0, ac.signal)[Symbol.asyncIterator]();
      assert.equal((await watch.next()).value?.key, '/dies/1');
      const thread = (s as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread;
      const pending = s.create('/dies/2', Buffer.from('y'));
      await thread.worker.terminate();
      await assert.rejects(pending, (e) => isStorageError(e, 'Unavailable'));
      await assert.rejects(s.create('/dies/3', Buffer.from('z')), (e) => isStorageError(e, 'Unavailable'));
      await assert.rejects(s.get('/dies/1'), (e) => isStorageError(e, 'Unavailable'));
      await assert.rejects(watch.next(), (e) => isStorageError(e, 'Unavailable'));
      ac.abort();
    } finally {
      await s.close();
    }
  });

  it('keeps a process alive while a request is answered, and not after', async () => {
    const path = fresh();
    const store = new URL('./store.js', import.meta.url).href;
    // No close: the process must still print the write's revision, then end by itself.
    const script = `const { SqliteStore } = await import(${JSON.stringify(store)});
      const s = SqliteStore.open(${JSON.stringify(path)});
      const kv = await s.create('/alive', Buffer.from('v'));
      console.log(kv.modRevision, (await s.get('/alive')).value.toString());`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    assert.equal(stdout.trim(), '1 v');
  });
});
