/** Expectations: satisfied until writes are recorded, then once all are observed or expired. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Expectations } from './expectations.js';

describe('expectations', () => {
  it('is satisfied for an unknown key and after every creation is observed', () => {
    const e = new Expectations(() => 0);
    assert.ok(e.satisfied('ns/a'));
    e.expectCreations('ns/a', 2);
    assert.ok(!e.satisfied('ns/a'));
    e.creationObserved('ns/a');
    assert.ok(!e.satisfied('ns/a'));
    e.creationObserved('ns/a');
    assert.ok(e.satisfied('ns/a'));
  });

  it('counts the deletion of each object once', () => {
    const e = new Expectations(() => 0);
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/p1');
    e.deletionObserved('ns/a', 'ns/p1');
    e.deletionObserved('ns/a', 'ns/other');
    assert.deepEqual(e.pending('ns/a'), { adds: 0, dels: 1 });
    assert.ok(!e.satisfied('ns/a'));
    e.deletionObserved('ns/a', 'ns/p2');
    assert.ok(e.satisfied('ns/a'));
  });

  it('expires after the timeout', () => {
    let now = 1000;
    const e = new Expectations(() => now, 60_000);
    e.expectCreations('ns/a', 1);
    now += 60_000;
    assert.ok(!e.satisfied('ns/a'));
    now += 1;
    assert.ok(e.satisfied('ns/a'));
  });

  it('forgets deleted keys', () => {
    const e = new Expectations(() => 0);
    e.expectCreations('ns/a', 3);
    e.delete('ns/a');
    assert.ok(e.satisfied('ns/a'));
    assert.equal(e.pending('ns/a'), undefined);
  });
});
