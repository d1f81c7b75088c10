/** The lease manager alone: reuse windows, sharing, invalidation, with a fake clock and grants. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseManager } from './leases.js';

function setup() {
  let now = 1_000_000;
  const grants: number[] = [];
  const leases = new LeaseManager(
    async (ttl) => {
      grants.push(ttl);
      return `lease-${grants.length}`;
    },
    { now: () => now },
  );
  return { leases, grants, tick: (ms: number) => (now += ms) };
}

describe('lease manager', () => {
  it('grants ttl plus a reuse window and reuses the lease within it', async () => {
    const { leases, grants, tick } = setup();
    assert.equal(await leases.lease(3600), 'lease-1');
    assert.deepEqual(grants, [3660]);
    tick(59_000);
    assert.equal(await leases.lease(3600), 'lease-1');
    tick(2_000);
    assert.equal(await leases.lease(3600), 'lease-2', 'past the window a key would live too short');
  });

  it('uses 5 % of short TTLs as the window, and none below 20 s', async () => {
    const { leases, grants } = setup();
    assert.equal(leases.reuseSeconds(100), 5);
    await leases.lease(10);
    await leases.lease(10);
    assert.deepEqual(grants, [10, 10]);
  });

  it('keeps one lease per TTL and shares one grant among concurrent writers', async () => {
    const { leases, grants } = setup();
    const ids = await Promise.all([
      leases.lease(600),
      leases.lease(600),
      leases.lease(600),
      leases.lease(1200),
    ]);
    assert.deepEqual(ids, ['lease-1', 'lease-1', 'lease-1', 'lease-2']);
    assert.deepEqual(grants, [630, 1260]);
  });

  it('grants anew after invalidation', async () => {
    const { leases } = setup();
    const first = await leases.lease(3600);
    leases.invalidate(first);
    assert.notEqual(await leases.lease(3600), first);
  });
});
