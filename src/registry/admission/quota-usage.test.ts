/** Quota accounting: what objects charge, the must-specify rule, scopes, and the exceeded message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromResourceList, toResourceList } from '../../api/quantity/index.js';
import type { KObject } from '../types.js';
import { charge, podCharged, podConstraintError, quotaCovers, tracks, usageOf } from './quota-usage.js';

const pod = (containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): KObject => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers, ...extra },
  status: { phase: 'Running' },
});

describe('quota usage', () => {
  it('charges a pod its count and the sum of its containers (at least its biggest init container)', () => {
    const p = pod(
      [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } } },
        { name: 'b', resources: { limits: { cpu: '300m', memory: '64Mi' } } },
      ],
      { initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] },
    );
    assert.deepEqual(fromResourceList(usageOf('pods', '', p, 0)), {
      'count/pods': '1',
      cpu: '1',
      'limits.cpu': '500m',
      'limits.memory': '64Mi',
      memory: '128Mi',
      pods: '1',
      'requests.cpu': '1',
      'requests.memory': '128Mi',
    });
  });

  it('stops charging finished pods and pods stuck past their deletion grace', () => {
    const done = { ...pod([]), status: { phase: 'Succeeded' } };
    assert.equal(podCharged(done, 0), false);
    assert.equal(usageOf('pods', '', done, 0).size, 0);
    const stuck = pod([]);
    stuck.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
    stuck.metadata!.deletionGracePeriodSeconds = 30;
    assert.equal(podCharged(stuck, Date.parse('2024-01-01T00:00:10Z')), true);
    assert.equal(podCharged(stuck, Date.parse('2024-01-01T00:01:00Z')), false);
  });

  it('charges services, claims and generic object counts', () => {
    const lb: KObject = { spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } };
    assert.deepEqual(fromResourceList(usageOf('services', '', lb, 0)), {
      'count/services': '1',
      services: '1',
      'services.loadbalancers': '1',
      'services.nodeports': '2',
    });
    const pvc: KObject = { spec: { resources: { requests: { storage: '1Gi' } } } };
    assert.equal(fromResourceList(usageOf('persistentvolumeclaims', '', pvc, 0))['requests.storage'], '1Gi');
    assert.deepEqual(fromResourceList(usageOf('configmaps', '', {}, 0)), {
      'count/configmaps': '1',
      configmaps: '1',
    });
    assert.deepEqual(fromResourceList(usageOf('deployments', 'apps', {}, 0)), {
      'count/deployments.apps': '1',
    });
    assert.ok(tracks('requests.cpu', 'pods', ''));
    assert.ok(tracks('count/deployments.apps', 'deployments', 'apps'));
    assert.ok(!tracks('pods', 'services', ''));
  });

  it('requires cpu and memory to be stated when a quota limits them', () => {
    const p = pod([
      { name: 'web', resources: { requests: { cpu: '1' } } },
      { name: 'side', resources: {} },
    ]);
    assert.equal(
      podConstraintError(p, ['pods', 'requests.cpu', 'limits.memory']),
      'must specify limits.memory for: side,web; requests.cpu for: side',
    );
    assert.equal(podConstraintError(p, ['pods']), undefined);
  });

  it('applies quota scopes to pods only', () => {
    const q = (spec: Record<string, unknown>): KObject => ({ spec });
    const best = pod([{ name: 'a' }]);
    const burst = pod([{ name: 'a', resources: { requests: { cpu: '1' } } }], { activeDeadlineSeconds: 10 });
    assert.ok(quotaCovers(q({}), 'configmaps', '', {}));
    assert.ok(quotaCovers(q({ scopes: ['BestEffort'] }), 'pods', '', best));
    assert.ok(!quotaCovers(q({ scopes: ['BestEffort'] }), 'pods', '', burst));
    assert.ok(quotaCovers(q({ scopes: ['NotBestEffort', 'Terminating'] }), 'pods', '', burst));
    assert.ok(!quotaCovers(q({ scopes: ['BestEffort'] }), 'configmaps', '', {}));
    const high = pod([], { priorityClassName: 'high' });
    const sel = q({
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
    });
    assert.ok(quotaCovers(sel, 'pods', '', high));
    assert.ok(!quotaCovers(sel, 'pods', '', best));
  });

  it('refuses a charge past a hard limit, naming only the exceeded resources', () => {
    const hard = toResourceList({ pods: '10', 'requests.cpu': '2' });
    const used = toResourceList({ pods: '10', 'requests.cpu': '1' });
    const delta = toResourceList({ pods: '1', 'requests.cpu': '500m', 'count/pods': '1' });
    const r = charge('compute', hard, used, delta);
    assert.equal(r.exceeded, 'exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10');
    const ok = charge('compute', hard, toResourceList({ pods: '3', 'requests.cpu': '1' }), delta);
    assert.equal(ok.exceeded, undefined);
    assert.deepEqual(fromResourceList(ok.used), { pods: '4', 'requests.cpu': '1500m' });
  });
});
