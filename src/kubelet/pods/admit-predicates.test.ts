/** The kubelet's general admission predicates: resources, node affinity, node name, NoExecute taints. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { predicateAdmitHandler } from './admit-predicates.js';

type Obj = Record<string, unknown>;

const node = (extra: { labels?: Record<string, string>; taints?: Obj[]; pods?: string } = {}): KObject => ({
  metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', ...extra.labels } },
  spec: extra.taints ? { taints: extra.taints } : {},
  status: { allocatable: { cpu: '2', memory: '1Gi', pods: extra.pods ?? '110', 'example.com/gpu': '1' } },
});

function pod(requests: Obj = {}, spec: Obj = {}, annotations?: Record<string, string>): KObject {
  return {
    metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', resources: { requests } }], ...spec },
  };
}

const admit = (n: KObject, p: KObject, admitted: KObject[] = []) =>
  predicateAdmitHandler(() => n)(p, admitted);

describe('predicateAdmitHandler', () => {
  it('admits a pod that fits', () => {
    assert.equal(admit(node(), pod({ cpu: '1', memory: '512Mi' }), [pod({ cpu: '1' })]), undefined);
  });

  it('refuses cpu beyond allocatable with upstream wording, counting admitted pods', () => {
    assert.deepEqual(admit(node(), pod({ cpu: '4' }), [pod({ cpu: '100m' })]), {
      reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 4000, used: 100, capacity: 2000",
    });
    assert.equal(admit(node(), pod({ cpu: '1900m' }), [pod({ cpu: '100m' })]), undefined);
    assert.equal(admit(node(), pod({ cpu: '1901m' }), [pod({ cpu: '100m' })])?.reason, 'OutOfcpu');
  });

  it('refuses memory in bytes and extended resources in units', () => {
    assert.deepEqual(admit(node(), pod({ memory: '2Gi' }), [pod({ memory: '1Mi' })]), {
      reason: 'OutOfmemory',
      message:
        "Node didn't have enough resource: memory, requested: 2147483648, used: 1048576, capacity: 1073741824",
    });
    assert.deepEqual(admit(node(), pod({ 'example.com/gpu': '2' })), {
      reason: 'OutOfexample.com/gpu',
      message: "Node didn't have enough resource: example.com/gpu, requested: 2, used: 0, capacity: 1",
    });
  });

  it('refuses a pod past the node pod limit before looking at resources', () => {
    assert.deepEqual(admit(node({ pods: '2' }), pod({ cpu: '4' }), [pod(), pod()]), {
      reason: 'OutOfpods',
      message: "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2",
    });
  });

  it('refuses a nodeSelector or required node affinity the node does not match', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }],
        },
      },
    };
    const refusal = {
      reason: 'NodeAffinity',
      message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
    };
    assert.deepEqual(admit(node(), pod({}, { nodeSelector: { disk: 'ssd' } })), refusal);
    assert.deepEqual(admit(node(), pod({}, { affinity })), refusal);
    assert.equal(admit(node({ labels: { disk: 'ssd' } }), pod({}, { affinity })), undefined);
    assert.equal(
      admit(node({ labels: { disk: 'ssd' } }), pod({}, { nodeSelector: { disk: 'ssd' } })),
      undefined,
    );
  });

  it('refuses another node name', () => {
    assert.deepEqual(admit(node(), pod({}, { nodeName: 'n2' })), {
      reason: 'NodeName',
      message: "Predicate NodeName failed: node(s) didn't match the requested node name",
    });
  });

  it('refuses untolerated NoExecute taints except for static pods; NoSchedule is the scheduler’s', () => {
    const taints = [{ key: 'k', value: 'v', effect: 'NoExecute' }];
    assert.deepEqual(admit(node({ taints }), pod()), {
      reason: 'TaintToleration',
      message: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate",
    });
    assert.equal(
      admit(
        node({ taints }),
        pod({}, { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }] }),
      ),
      undefined,
    );
    assert.equal(admit(node({ taints }), pod({}, {}, { 'kubernetes.io/config.source': 'file' })), undefined);
    assert.equal(admit(node({ taints: [{ key: 'k', effect: 'NoSchedule' }] }), pod()), undefined);
  });

  it('admits everything while the node is unknown', () => {
    assert.equal(predicateAdmitHandler(() => undefined)(pod({ cpu: '400' }), []), undefined);
  });
});
