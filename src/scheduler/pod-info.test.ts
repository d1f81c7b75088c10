import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPodInfo, normalizeImage, termMatchesPod } from './pod-info.js';
import { makePod } from './testing.js';

describe('PodInfo', () => {
  it('normalizes image names as upstream does', () => {
    assert.equal(normalizeImage('nginx'), 'nginx:latest');
    assert.equal(normalizeImage('registry:5000/app'), 'registry:5000/app:latest');
    assert.equal(normalizeImage('registry:5000/app:1.2'), 'registry:5000/app:1.2');
    assert.equal(normalizeImage('app@sha256:abc'), 'app@sha256:abc');
  });

  it("builds affinity terms about the pod's namespace by default, with matchLabelKeys", () => {
    const pi = newPodInfo(
      makePod('p', {
        namespace: 'shop',
        labels: { app: 'web', rev: '7' },
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: { app: 'web' } },
                topologyKey: 'zone',
                matchLabelKeys: ['rev'],
              },
            ],
          },
        },
      }),
    );
    const t = pi.requiredAntiAffinity[0]!;
    assert.deepEqual([...t.namespaces], ['shop']);
    assert.ok(termMatchesPod(t, { namespace: 'shop', labels: { app: 'web', rev: '7' } }, {}));
    assert.ok(
      !termMatchesPod(t, { namespace: 'shop', labels: { app: 'web', rev: '6' } }, {}),
      'another revision',
    );
    assert.ok(!termMatchesPod(t, { namespace: 'other', labels: { app: 'web', rev: '7' } }, {}));
  });

  it('gives equal terms equal ids, so they share count indexes', () => {
    const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' };
    const a = newPodInfo(
      makePod('a', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }),
    );
    const b = newPodInfo(
      makePod('b', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }),
    );
    assert.equal(a.requiredAffinity[0]!.id, b.requiredAffinity[0]!.id);
  });

  it('reads host ports, priority, gates and the nominated node', () => {
    const obj = makePod('p', { hostPort: 8080, priority: 5 });
    (obj['spec'] as Record<string, unknown>)['schedulingGates'] = [{ name: 'wait' }];
    (obj['status'] as Record<string, unknown>)['nominatedNodeName'] = 'n1';
    const pi = newPodInfo(obj);
    assert.deepEqual(pi.hostPorts, [{ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }]);
    assert.equal(pi.priority, 5);
    assert.equal(pi.gated, true);
    assert.equal(pi.nominatedNodeName, 'n1');
  });
});
