import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  nodeAllocatable,
  podRequests,
} from './resources.js';

const c = (cpu?: string, memory?: string, extra: Record<string, unknown> = {}) => ({
  name: 'c',
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
  ...extra,
});

describe('pod requests', () => {
  it('sums containers and adds the overhead', () => {
    const r = podRequests({ containers: [c('100m', '1Gi'), c('200m')], overhead: { cpu: '50m' } });
    assert.equal(r.requests.milliCPU, 350);
    assert.equal(r.requests.memory, 1024 ** 3);
  });

  it('takes the largest init container when it exceeds the containers', () => {
    const r = podRequests({ containers: [c('100m')], initContainers: [c('2'), c('500m')] });
    assert.equal(r.requests.milliCPU, 2000);
  });

  it('adds sidecars (restartable init containers) to both the total and later init steps', () => {
    const r = podRequests({
      containers: [c('100m')],
      initContainers: [c('200m', undefined, { restartPolicy: 'Always' }), c('1')],
    });
    // Containers: 100m + sidecar 200m = 300m; init step: 1 + sidecar 200m = 1200m.
    assert.equal(r.requests.milliCPU, 1200);
  });

  it('uses limits for missing requests, and extended resources as scalars', () => {
    const r = podRequests({
      containers: [{ name: 'c', resources: { limits: { cpu: '1', 'example.com/gpu': '2' } } }],
    });
    assert.equal(r.requests.milliCPU, 1000);
    assert.equal(r.requests.scalar?.get('example.com/gpu'), 2);
  });

  it('counts missing CPU and memory requests as 100m and 200Mi for scoring', () => {
    const r = podRequests({ containers: [c(), c('300m')] });
    assert.equal(r.requests.milliCPU, 300);
    assert.equal(r.nonZeroMilliCPU, 300 + DEFAULT_MILLI_CPU_REQUEST);
    assert.equal(r.nonZeroMemory, 2 * DEFAULT_MEMORY_REQUEST);
  });
});

describe('node allocatable', () => {
  it('reads allocatable, falling back to capacity', () => {
    const a = nodeAllocatable({ allocatable: { cpu: '4', memory: '8Gi', pods: '110' } });
    assert.equal(a.resources.milliCPU, 4000);
    assert.equal(a.pods, 110);
    assert.equal(nodeAllocatable({ capacity: { cpu: '2' } }).resources.milliCPU, 2000);
  });
});
