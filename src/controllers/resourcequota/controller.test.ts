/** The quota controller: which resource a count/ name means, and counting any kind on demand. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster, until } from '../garbagecollector/test-cluster.js';
import { countedResource, ResourceQuotaController } from './controller.js';

describe('resource quota controller', () => {
  it('resolves count/<resource>[.<group>] names', () => {
    assert.equal(countedResource('count/deployments.apps')?.kind, 'Deployment');
    assert.equal(countedResource('count/pods')?.kind, 'Pod');
    assert.equal(countedResource('count/widgets.example.com'), undefined);
    assert.equal(countedResource('pods'), undefined);
  });

  describe('against an API server', () => {
    let c: TestCluster;
    before(async () => {
      c = await startTestCluster((ctx) => [new ResourceQuotaController(ctx)]);
    });
    after(() => c.stop());

    it('counts objects of a kind it was not watching until a quota named it', async () => {
      const leases = c.client.resource('coordination.k8s.io', 'v1', 'leases');
      for (const name of ['a', 'b'])
        await leases.create('default', {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name },
        });
      const quotas = c.client.resource('', 'v1', 'resourcequotas');
      await quotas.create('default', {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'leases' },
        spec: { hard: { 'count/leases.coordination.k8s.io': '1k' } },
      });
      const status = await until('the count', async () => {
        const s = (await quotas.get('default', 'leases'))['status'] as
          | { used?: Record<string, string> }
          | undefined;
        return s?.used ? s : undefined;
      });
      assert.deepEqual(status, {
        hard: { 'count/leases.coordination.k8s.io': '1k' },
        used: { 'count/leases.coordination.k8s.io': '2' },
      });
      await leases.delete('default', 'a');
      await until('the count to drop', async () => {
        const s = (await quotas.get('default', 'leases'))['status'] as { used: Record<string, string> };
        return s.used['count/leases.coordination.k8s.io'] === '1' ? true : undefined;
      });
    });
  });
});
