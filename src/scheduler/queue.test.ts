import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulingQueue } from './queue.js';
import { pod } from './testing.js';

function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SchedulingQueue', () => {
  it('hands out higher priority first, then in arrival order', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('low1', { priority: 1 }));
    q.add(pod('high', { priority: 10 }));
    q.add(pod('low2', { priority: 1 }));
    assert.deepEqual(
      [q.pop()?.key, q.pop()?.key, q.pop()?.key, q.pop()],
      ['default/high', 'default/low1', 'default/low2', undefined],
    );
  });

  it('backs off 1 s doubling to 10 s after errors', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('p'));
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      const qp = q.pop()!;
      q.addBackoff(qp);
      durations.push(q.backoffDuration(qp));
      clock.advance(q.backoffDuration(qp) - 1);
      q.flushBackoff();
      assert.equal(q.where('default/p'), 'backoff', 'still backing off just before expiry');
      clock.advance(1);
      q.flushBackoff();
      assert.equal(q.where('default/p'), 'active');
    }
    assert.deepEqual(durations, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('parks unschedulable pods until an event that may help them', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('aff'));
    q.add(pod('res'));
    const aff = q.pop()!;
    const res = q.pop()!;
    q.addUnschedulable(aff, new Set(['NodeAffinity']));
    q.addUnschedulable(res, new Set(['NodeResourcesFit']));
    assert.equal(q.lengths.unschedulable, 2);
    clock.advance(5000);
    q.moveOnEvent('AssignedPodDelete');
    assert.equal(q.where('default/res'), 'active', 'a deleted pod may free resources');
    assert.equal(q.where('default/aff'), 'unschedulable', 'but does not change node labels');
    q.moveOnEvent('NodeAdd');
    assert.equal(q.where('default/aff'), 'active');
  });

  it('sends a moved pod still in its backoff to backoffQ', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('p'));
    q.addUnschedulable(q.pop()!, new Set(['NodeResourcesFit']));
    clock.advance(500);
    q.moveOnEvent('NodeAdd');
    assert.equal(q.where('default/p'), 'backoff');
  });

  it('sends a pod whose attempt overlapped an event to backoffQ, not unschedulable', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('p'));
    const qp = q.pop()!;
    q.moveOnEvent('NodeAdd');
    q.addUnschedulable(qp, new Set(['NodeResourcesFit']));
    assert.equal(q.where('default/p'), 'backoff');
  });

  it('retries unschedulable pods after 5 minutes anyway', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now });
    q.add(pod('p'));
    q.addUnschedulable(q.pop()!, new Set(['NodeAffinity']));
    clock.advance(299_000);
    q.flushUnschedulable();
    assert.equal(q.where('default/p'), 'unschedulable');
    clock.advance(1000);
    q.flushUnschedulable();
    assert.equal(q.where('default/p'), 'active');
  });

  it('moves an unschedulable pod back when its spec changes, and forgets deleted pods', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ now: clock.now, initialBackoffMs: 0 });
    q.add(pod('p'));
    q.addUnschedulable(q.pop()!, new Set(['NodeAffinity']));
    q.update(pod('p'), false);
    assert.equal(q.where('default/p'), 'unschedulable', 'a status-only change does not help');
    q.update(pod('p', { labels: { x: 'y' } }), true);
    assert.equal(q.where('default/p'), 'active');
    const qp = q.pop()!;
    q.delete('default/p');
    q.addUnschedulable(qp, new Set());
    assert.equal(q.where('default/p'), undefined, 'deleted while in flight: not re-queued');
  });

  it('wakes a waiter when a pod arrives', async () => {
    const q = new SchedulingQueue();
    const waiting = q.wait();
    q.add(pod('p'));
    await waiting;
    assert.equal(q.pop()?.key, 'default/p');
  });
});
