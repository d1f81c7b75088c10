/** Soft thresholds, grace periods, minimum reclaim and admission under pressure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { rejectionMessage } from '../pods/admission.js';
import { admitUnderPressure } from './admit.js';
import { parseEvictionConfig } from './config.js';
import { EvictionManager, type EvictRequest } from './manager.js';
import type { NodeStats, Pressure } from './signals.js';
import { ThresholdError } from './thresholds.js';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

function stats(memAvailable: number, fsAvailable = 50 * Gi): NodeStats {
  const fs = { capacityBytes: 100 * Gi, availableBytes: fsAvailable, inodes: 1000, inodesFree: 900 };
  return {
    memory: { capacityBytes: 8 * Gi, workingSetBytes: 8 * Gi - memAvailable },
    nodefs: fs,
    imagefs: fs,
  };
}

function pod(
  name: string,
  spec: Record<string, unknown> = {},
  status: Record<string, unknown> = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
    status: { phase: 'Running', ...status },
  };
}

const flags = {
  hard: [] as string[],
  soft: [] as string[],
  softGracePeriod: [] as string[],
  minimumReclaim: [] as string[],
};

describe('eviction flags', () => {
  it('need a grace period for every soft threshold, with upstream wording', () => {
    assert.throws(
      () => parseEvictionConfig({ ...flags, soft: ['memory.available<1Gi'] }),
      (e: unknown) =>
        e instanceof ThresholdError &&
        e.message ===
          '--eviction-soft: grace period must be specified for the soft eviction threshold memory.available',
    );
    assert.throws(
      () => parseEvictionConfig({ ...flags, minimumReclaim: ['memory.available=-1Mi'] }),
      /negative eviction minimum reclaim specified for memory.available/,
    );
    assert.throws(
      () => parseEvictionConfig({ ...flags, softGracePeriod: ['memory.available'] }),
      /invalid eviction grace period syntax memory.available, expected <signal>=<duration>/,
    );
    assert.throws(
      () => parseEvictionConfig({ ...flags, minimumReclaim: ['nodefs.available=0%'] }),
      /eviction percentage minimum reclaim nodefs.available must be positive: 0%/,
    );
  });
  it('combine hard and soft thresholds with minimum reclaims', () => {
    const t = parseEvictionConfig({
      hard: ['memory.available<100Mi'],
      soft: ['memory.available<1Gi', 'nodefs.available<20%'],
      softGracePeriod: ['memory.available=1m30s', 'nodefs.available=10s'],
      minimumReclaim: ['memory.available=500Mi', 'nodefs.available=5%'],
    });
    assert.deepEqual(
      t.map((x) => [x.signal, x.text, x.gracePeriodMs, x.minReclaim]),
      [
        ['memory.available', '100Mi', 0, { quantity: 500 * Mi }],
        ['memory.available', '1Gi', 90_000, { quantity: 500 * Mi }],
        ['nodefs.available', '20%', 10_000, { percentage: 0.05 }],
      ],
    );
  });
});

describe('soft eviction', () => {
  it('raises pressure at once, evicts after the grace period with the capped grace, reclaims the minimum', async () => {
    let available = 900 * Mi;
    let now = 0;
    const pods = [pod('a', { terminationGracePeriodSeconds: 60 }), pod('b')];
    const evicted: [string, EvictRequest][] = [];
    const m = new EvictionManager({
      thresholds: parseEvictionConfig({
        ...flags,
        hard: ['memory.available<10Mi'],
        soft: ['memory.available<1Gi'],
        softGracePeriod: ['memory.available=30s'],
        minimumReclaim: ['memory.available=512Mi'],
      }),
      transitionPeriodMs: 10_000,
      maxPodGracePeriodS: 20,
      readStats: async () => stats(available),
      readUsage: async () => new Map(),
      pods: () => pods,
      evict: async (p, req) => {
        evicted.push([p.metadata?.name ?? '', req]);
        (p['status'] as Record<string, unknown>)['phase'] = 'Failed';
        return true;
      },
      events: () => undefined,
      node: () => ({ kind: 'Node', metadata: { name: 'n' } }),
      onPressure: () => undefined,
      log: () => undefined,
      now: () => now,
    });
    const ac = new AbortController();
    assert.equal(await m.synchronize(ac.signal), undefined);
    assert.ok(
      m.pressure.has('MemoryPressure'),
      'a soft threshold raises the condition before its grace period',
    );
    now = 20_000;
    assert.equal(await m.synchronize(ac.signal), undefined);
    now = 30_000;
    const first = await m.synchronize(ac.signal);
    assert.ok(first);
    // Above the threshold but not above threshold + minimum reclaim: eviction goes on.
    available = 1200 * Mi;
    now = 40_000;
    assert.ok(await m.synchronize(ac.signal), 'min reclaim keeps evicting');
    assert.equal(evicted.length, 2);
    const grace = Object.fromEntries(evicted.map(([n, r]) => [n, r.graceS]));
    assert.deepEqual(grace, { a: 20, b: 20 });
    // Threshold + reclaim free: no more evictions; the condition lasts the transition period.
    pods.push(pod('c', { terminationGracePeriodSeconds: 5 }));
    available = 2 * Gi;
    now = 45_000;
    assert.equal(await m.synchronize(ac.signal), undefined);
    assert.ok(m.pressure.has('MemoryPressure'));
    now = 61_000;
    assert.equal(await m.synchronize(ac.signal), undefined);
    assert.equal(m.pressure.size, 0);
    // A soft eviction gives the pod's own grace when it is shorter than the maximum.
    available = 900 * Mi;
    now = 70_000;
    await m.synchronize(ac.signal);
    now = 100_000;
    assert.equal(await m.synchronize(ac.signal), 'uid-c');
    assert.equal(evicted.at(-1)?.[1].graceS, 5);
  });

  it('tries node-level reclaim first for disk signals', async () => {
    let fsAvailable = 5 * Gi;
    let reclaims = 0;
    const m = new EvictionManager({
      thresholds: parseEvictionConfig({ ...flags, hard: ['nodefs.available<10%'] }),
      transitionPeriodMs: 0,
      readStats: async () => stats(4 * Gi, fsAvailable),
      readUsage: async () => new Map(),
      pods: () => [pod('a')],
      reclaimNodeLevel: async () => {
        reclaims++;
        fsAvailable = 20 * Gi;
      },
      evict: async () => true,
      events: () => undefined,
      node: () => ({ kind: 'Node', metadata: { name: 'n' } }),
      onPressure: () => undefined,
      log: () => undefined,
    });
    assert.equal(await m.synchronize(new AbortController().signal), undefined);
    assert.equal(reclaims, 1);
    assert.ok(m.pressure.has('DiskPressure'));
  });
});

describe('admission under pressure', () => {
  const p = (names: Pressure[]) => new Set<Pressure>(names);
  const burstable = pod('burst', {
    containers: [{ name: 'c', image: 'x', resources: { requests: { memory: '10Mi' } } }],
  });
  const bestEffort = pod('be', {}, { phase: 'Pending' });
  it('admits everything without pressure', () => {
    assert.equal(admitUnderPressure(bestEffort, p([])), undefined);
  });
  it('refuses BestEffort pods under memory pressure unless they tolerate it', () => {
    const r = admitUnderPressure(bestEffort, p(['MemoryPressure']));
    assert.deepEqual(r, { reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' });
    assert.equal(r && rejectionMessage(r), 'Pod was rejected: The node had condition: [MemoryPressure]. ');
    assert.equal(admitUnderPressure(burstable, p(['MemoryPressure'])), undefined);
    const tolerating = pod('t', {
      tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }],
    });
    assert.equal(admitUnderPressure(tolerating, p(['MemoryPressure'])), undefined);
    const other = pod('o', {
      tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' }],
    });
    assert.ok(admitUnderPressure(other, p(['MemoryPressure'])));
  });
  it('refuses every pod under disk pressure, but not critical ones', () => {
    assert.deepEqual(admitUnderPressure(burstable, p(['DiskPressure', 'MemoryPressure'])), {
      reason: 'Evicted',
      message: 'The node had condition: [MemoryPressure DiskPressure]. ',
    });
    assert.ok(admitUnderPressure(burstable, p(['PIDPressure'])));
    assert.equal(
      admitUnderPressure(pod('crit', { priority: 2_000_001_000 }), p(['DiskPressure'])),
      undefined,
    );
  });
});
