import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from './workqueue.js';

describe('WorkQueue', () => {
  it('de-duplicates keys and hands them out in order', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  it('never gives a key to two workers at once, and re-queues it if added meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    q.done(k!);
    assert.equal(q.length, 1, 're-queued after done');
    assert.equal(await q.get(), 'a');
  });

  it('wakes a waiting worker and returns undefined after shutdown', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    assert.equal(await waiting, 'x');
    const next = q.get();
    q.shutDown();
    assert.equal(await next, undefined);
  });

  it('backs off failures exponentially until forgotten', async () => {
    const q = new WorkQueue(10, 1000);
    q.addRateLimited('k');
    q.addRateLimited('k');
    assert.equal(q.retries('k'), 2);
    assert.equal(q.length, 0, 'delayed, not queued at once');
    // Delay timers do not hold the process open; this test must.
    const keep = setTimeout(() => {}, 5000);
    assert.equal(await q.get(), 'k');
    clearTimeout(keep);
    q.forget('k');
    assert.equal(q.retries('k'), 0);
    q.shutDown();
  });
});
