/** LimitRanger: defaults with their annotation, and min/max/ratio checks with upstream's messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromResourceList } from '../../api/quantity/index.js';
import type { KObject } from '../types.js';
import {
  aggregate,
  applyPodDefaults,
  LIMIT_RANGER_ANNOTATION,
  limitItems,
  validateClaimLimits,
  validatePodLimits,
} from './limit-range.js';

const range = (...limits: Record<string, unknown>[]): KObject => ({ spec: { limits } });

describe('limit ranges', () => {
  it('reads container items with the API defaults (max -> default -> defaultRequest, min -> defaultRequest)', () => {
    const [item] = limitItems(range({ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }));
    assert.deepEqual(fromResourceList(item!.default), { cpu: '2' });
    assert.deepEqual(fromResourceList(item!.defaultRequest), { cpu: '2', memory: '64Mi' });
  });

  it('fills missing requests and limits and says so in an annotation', () => {
    const pod: KObject = {
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'web', resources: { limits: { cpu: '1' } } }, { name: 'side' }],
        initContainers: [{ name: 'init' }],
      },
    };
    applyPodDefaults(pod, [
      range({
        type: 'Container',
        default: { cpu: '500m', memory: '256Mi' },
        defaultRequest: { cpu: '100m' },
      }),
    ]);
    const spec = pod['spec'] as {
      containers: { resources: unknown }[];
      initContainers: { resources: unknown }[];
    };
    assert.deepEqual(spec.containers[0]!.resources, {
      limits: { cpu: '1', memory: '256Mi' },
      requests: { cpu: '1', memory: '256Mi' },
    });
    assert.deepEqual(spec.containers[1]!.resources, {
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '256Mi' },
    });
    assert.equal(
      pod.metadata?.annotations?.[LIMIT_RANGER_ANNOTATION],
      'LimitRanger plugin set: memory request for container web; memory limit for container web; ' +
        'cpu, memory request for container side; cpu, memory limit for container side; ' +
        'cpu, memory request for init container init; cpu, memory limit for init container init',
    );
  });

  it('leaves a pod without changes unannotated', () => {
    const pod: KObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } };
    applyPodDefaults(pod, [range({ type: 'Pod', max: { cpu: '1' } })]);
    assert.equal(pod.metadata?.annotations, undefined);
  });

  it('checks min, max and the limit/request ratio per container and per pod', () => {
    const pod = (resources: Record<string, unknown>): KObject => ({
      spec: { containers: [{ name: 'a', resources }] },
    });
    const lr = range({
      type: 'Container',
      min: { cpu: '100m' },
      max: { cpu: '1' },
      maxLimitRequestRatio: { cpu: '2' },
    });
    assert.deepEqual(
      validatePodLimits(pod({ requests: { cpu: '200m' }, limits: { cpu: '400m' } }), [lr]),
      [],
    );
    assert.deepEqual(validatePodLimits(pod({ requests: { cpu: '50m' }, limits: { cpu: '2' } }), [lr]), [
      'minimum cpu usage per Container is 100m, but request is 50m',
      'maximum cpu usage per Container is 1, but limit is 2',
      'cpu max limit to request ratio per Container is 2, but provided ratio is 40.000000',
    ]);
    assert.deepEqual(validatePodLimits(pod({}), [range({ type: 'Container', max: { memory: '1Gi' } })]), [
      'maximum memory usage per Container is 1Gi.  No limit is specified',
    ]);
    const podRange = range({ type: 'Pod', max: { cpu: '1' } });
    const two: KObject = {
      spec: {
        containers: [
          { name: 'a', resources: { limits: { cpu: '600m' } } },
          { name: 'b', resources: { limits: { cpu: '600m' } } },
        ],
      },
    };
    assert.deepEqual(validatePodLimits(two, [podRange]), [
      'maximum cpu usage per Pod is 1, but limit is 1200m',
    ]);
    assert.equal(aggregate(['a']), 'a');
    assert.equal(aggregate(['a', 'b']), '[a, b]');
  });

  it('checks claims against PersistentVolumeClaim items', () => {
    const lr = range({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } });
    const pvc = (storage: string): KObject => ({ spec: { resources: { requests: { storage } } } });
    assert.deepEqual(validateClaimLimits(pvc('5Gi'), [lr]), []);
    assert.deepEqual(validateClaimLimits(pvc('20Gi'), [lr]), [
      'maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi',
    ]);
    assert.deepEqual(validateClaimLimits(pvc('512Mi'), [lr]), [
      'minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 512Mi',
    ]);
  });
});
