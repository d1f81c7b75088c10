/** ServiceAccount admission's checks: mirror pod rules and the cache-then-storage lookup. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { KObject } from '../types.js';
import { findServiceAccount, lookupError, mirrorPodProblem } from './service-account-lookup.js';

function mirror(spec: Record<string, unknown>): KObject {
  return {
    metadata: { name: 'm', namespace: 'default', annotations: { 'kubernetes.io/config.mirror': 'x' } },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  };
}

describe('mirror pods', () => {
  it('may not reference service accounts, secrets or token projections', () => {
    assert.equal(mirrorPodProblem(mirror({})), undefined);
    assert.equal(
      mirrorPodProblem(mirror({ serviceAccountName: 'default' })),
      'a mirror pod may not reference service accounts',
    );
    assert.equal(
      mirrorPodProblem(mirror({ volumes: [{ name: 'v', secret: { secretName: 's' } }] })),
      'a mirror pod may not reference secrets',
    );
    assert.equal(
      mirrorPodProblem(
        mirror({
          containers: [
            {
              name: 'c',
              image: 'x',
              env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
            },
          ],
        }),
      ),
      'a mirror pod may not reference secrets',
    );
    assert.equal(
      mirrorPodProblem(
        mirror({
          volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }],
        }),
      ),
      'a mirror pod may not use ServiceAccountToken volume projections',
    );
    // ConfigMaps are allowed by ServiceAccount admission.
    assert.equal(mirrorPodProblem(mirror({ volumes: [{ name: 'v', configMap: { name: 'c' } }] })), undefined);
  });
});

describe('service account lookup', () => {
  let api: TestApiServer;
  before(async () => {
    // No ServiceAccount controller: the test creates `default` itself.
    api = await startTestApiServer({ serviceAccounts: false });
  });
  after(async () => {
    await api?.close();
  });

  it('reads storage when the cache misses, and retries for default', async () => {
    const store = api.server.registry.get('', 'v1', 'serviceaccounts');
    assert.ok(store);
    const client = api.client();
    await client.resource('', 'v1', 'namespaces').create(undefined, { metadata: { name: 'sa-lookup' } });
    assert.equal(await findServiceAccount(store, 'sa-lookup', 'missing', 1), undefined);
    // Created while the lookup of `default` is retrying: found.
    const sas = client.resource('', 'v1', 'serviceaccounts');
    const found = findServiceAccount(store, 'sa-lookup', 'default', 50);
    await sas.create('sa-lookup', { metadata: { name: 'default' } });
    assert.equal((await found)?.metadata?.name, 'default');
    assert.equal(
      lookupError('ns1', 'robot'),
      'error looking up service account ns1/robot: serviceaccount "robot" not found',
    );
  });
});
