/** Tests of the service account token cache: reuse while fresh, refresh at 80% of the lifetime, fallback on errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { TokenCache } from './projected.js';

const signal = AbortSignal.timeout(10_000);
const pod: KObject = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: {} };

test('tokens are reused until 80% of their lifetime, then refreshed; a failed refresh keeps the valid one', async () => {
  let now = 1_000_000;
  let calls = 0;
  let fail = false;
  const cache = new TokenCache(
    async (ns, sa, audiences, exp, ref) => {
      assert.deepEqual(
        [ns, sa, audiences, exp, ref],
        ['ns', 'default', ['a'], 100, { name: 'p', uid: 'u1' }],
      );
      if (fail) throw new Error('apiserver down');
      calls++;
      return { token: `t${calls}`, expirationTimestamp: new Date(now + 100_000).toISOString() };
    },
    () => now,
  );
  assert.equal(await cache.get(pod, ['a'], 100, signal), 't1');
  now += 79_000;
  assert.equal(await cache.get(pod, ['a'], 100, signal), 't1');
  now += 2_000;
  assert.equal(await cache.get(pod, ['a'], 100, signal), 't2');
  now += 85_000;
  fail = true;
  assert.equal(await cache.get(pod, ['a'], 100, signal), 't2', 'due for refresh but not expired');
  now += 20_000;
  await assert.rejects(cache.get(pod, ['a'], 100, signal), /apiserver down/);
  fail = false;
  cache.forget('u1');
  assert.equal(await cache.get(pod, ['a'], 100, signal), 't3');
});
