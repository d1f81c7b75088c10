/** Eviction decisions without a machine: thresholds, signals, ranking, pressure over time, messages, the loop. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { EvictionManager, type EvictRequest } from './manager.js';
import { evictionMessage, quantityText } from './message.js';
import { PressureTracker } from './pressure.js';
import { isCritical, type PodUsage, rankPods } from './rank.js';
import { type NodeStats, observe, pressureOf, starvedResource, thresholdsMet } from './signals.js';
import { parseKeyValues } from './stats.js';
import {
  DEFAULT_EVICTION_HARD,
  hardReserve,
  parseEvictionHard,
  ThresholdError,
  thresholdQuantity,
} from './thresholds.js';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

function stats(memAvailable: number, fsFree = 0.5): NodeStats {
  const fs = { capacityBytes: 100 * Gi, availableBytes: fsFree * 100 * Gi, inodes: 1000, inodesFree: 900 };
  return {
    memory: { capacityBytes: 8 * Gi, workingSetBytes: 8 * Gi - memAvailable },
    nodefs: fs,
    imagefs: fs,
    pid: { max: 4096, running: 100 },
  };
}

function pod(
  name: string,
  o: { priority?: number; memRequest?: string; annotations?: Record<string, string> } = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      containers: [
        { name: 'c', ...(o.memRequest ? { resources: { requests: { memory: o.memRequest } } } : {}) },
      ],
    },
    status: { phase: 'Running' },
  };
}

const mem = (bytes: number): PodUsage => ({ containers: [{ name: 'c', memoryWorkingSetBytes: bytes }] });

describe('thresholds', () => {
  it('keep back memory and disk from allocatable', () => {
    assert.deepEqual(hardReserve(parseEvictionHard([]), 8 * Gi, 100 * Gi), {
      memoryBytes: 100 * Mi,
      ephemeralStorageBytes: 10 * Gi,
    });
    assert.deepEqual(hardReserve(parseEvictionHard(['pid.available<10']), 8 * Gi, 100 * Gi), {
      memoryBytes: 0,
      ephemeralStorageBytes: 0,
    });
  });
  it('has upstream defaults and parses quantities and percentages', () => {
    const d = parseEvictionHard([]);
    assert.deepEqual(
      d.map((t) => [t.signal, t.quantity ?? t.percentage]),
      [
        ['memory.available', 100 * Mi],
        ['nodefs.available', 0.1],
        ['nodefs.inodesFree', 0.05],
        ['imagefs.available', 0.15],
      ],
    );
    assert.equal(DEFAULT_EVICTION_HARD.length, 4);
    const given = parseEvictionHard(['memory.available<1Gi', 'nodefs.available=20%']);
    assert.deepEqual(
      given.map((t) => t.signal),
      ['memory.available', 'nodefs.available'],
    );
    assert.equal(thresholdQuantity(given[1]!, 1000), 200);
    assert.equal(thresholdQuantity(given[0]!, 1000), Gi);
  });
  it('turns 0% and 100% off and rejects bad input', () => {
    assert.deepEqual(parseEvictionHard(['memory.available<0%', 'nodefs.available<100%']), []);
    for (const bad of [
      'memory.available',
      'cpu.available<1',
      'memory.available<-1Mi',
      'memory.available<abc',
      'nodefs.available<101%',
      'memory.available<0',
    ])
      assert.throws(() => parseEvictionHard([bad]), ThresholdError, bad);
  });
});

describe('signals', () => {
  it('observes memory as capacity less working set and finds met thresholds', () => {
    const obs = observe(stats(50 * Mi));
    assert.deepEqual(obs.get('memory.available'), { available: 50 * Mi, capacity: 8 * Gi });
    assert.deepEqual(obs.get('pid.available'), { available: 3996, capacity: 4096 });
    const met = thresholdsMet(parseEvictionHard([]), obs);
    assert.deepEqual(
      met.map((t) => t.signal),
      ['memory.available'],
    );
    assert.deepEqual(thresholdsMet(parseEvictionHard([]), observe(stats(200 * Mi))), []);
    const disk = thresholdsMet(parseEvictionHard([]), observe(stats(200 * Mi, 0.05)));
    assert.deepEqual(
      disk.map((t) => t.signal),
      ['nodefs.available', 'imagefs.available'],
    );
    assert.equal(pressureOf('imagefs.available'), 'DiskPressure');
    assert.equal(pressureOf('pid.available'), 'PIDPressure');
    assert.equal(starvedResource('nodefs.inodesFree'), 'inodes');
  });
  it('reads meminfo and memory.stat lines', () => {
    const m = parseKeyValues('MemTotal:       1024 kB\nMemFree: 10 kB\n');
    assert.equal(m.get('MemTotal'), 1024 * 1024);
    assert.equal(parseKeyValues('total_inactive_file 4096\ncache 1\n').get('total_inactive_file'), 4096);
  });
});

describe('ranking', () => {
  it('puts pods over their requests first, then low priority, then usage above requests', () => {
    const a = pod('a', { memRequest: '100Mi' }); // under its request
    const b = pod('b', { priority: 10 }); // best effort, high priority
    const c = pod('c'); // best effort, small
    const d = pod('d'); // best effort, large
    const e = pod('e', { priority: 2_000_000_000 }); // system critical
    const use: Record<string, PodUsage> = {
      'uid-a': mem(50 * Mi),
      'uid-b': mem(500 * Mi),
      'uid-c': mem(10 * Mi),
      'uid-d': mem(300 * Mi),
      'uid-e': mem(Gi),
    };
    const ranked = rankPods([a, b, c, d, e], 'memory', (p) => use[p.metadata?.uid ?? '']);
    assert.deepEqual(
      ranked.map((p) => p.metadata?.name),
      ['d', 'c', 'b', 'a'],
    );
    const noStats = rankPods([a, c], 'memory', (p) => (p === a ? undefined : use['uid-c']));
    assert.equal(noStats[0]?.metadata?.name, 'a');
  });
  it('never picks static, mirror or critical pods', () => {
    assert.ok(isCritical(pod('m', { annotations: { 'kubernetes.io/config.mirror': 'x' } })));
    assert.ok(isCritical(pod('s', { annotations: { 'kubernetes.io/config.source': 'file' } })));
    assert.ok(!isCritical(pod('p')));
  });
});

describe('pressure conditions', () => {
  it('stay for the transition period after the last observation', () => {
    const t = new PressureTracker(30_000);
    assert.deepEqual([...t.observe(['MemoryPressure'], 1_000)], ['MemoryPressure']);
    assert.deepEqual([...t.observe([], 20_000)], ['MemoryPressure']);
    assert.deepEqual([...t.observe([], 31_000)], []);
    assert.deepEqual([...t.observe(['DiskPressure'], 40_000)], ['DiskPressure']);
  });
});

describe('message', () => {
  it('reads like upstream', () => {
    const [t] = parseEvictionHard(['memory.available<100Mi']);
    const p = pod('x', { memRequest: '10Mi' });
    const msg = evictionMessage('memory', t, { available: 51200 * 1024, capacity: 8 * Gi }, p, mem(20 * Mi));
    assert.equal(
      msg,
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container c was using 20Mi, request is 10Mi, has larger consumption of memory. ',
    );
    const [pct] = parseEvictionHard(['nodefs.available<10%']);
    assert.equal(
      evictionMessage('ephemeral-storage', pct, { available: 1000, capacity: 10 * Gi }, p, undefined),
      'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 1k. ',
    );
    // As Go prints a BinarySI quantity below 1024: in decimal units.
    assert.equal(quantityText(1000, 'memory'), '1k');
    assert.equal(quantityText(5000, 'inodes'), '5k');
  });
});

describe('manager', () => {
  it('reports pressure and evicts one pod per look, best effort first', async () => {
    let available = 50 * Mi;
    const pods = [pod('guaranteed', { memRequest: '1Gi' }), pod('besteffort')];
    const evicted: [string, EvictRequest][] = [];
    const events: string[] = [];
    const pressures: string[][] = [];
    let now = 0;
    const m = new EvictionManager({
      thresholds: parseEvictionHard([]),
      transitionPeriodMs: 60_000,
      readStats: async () => stats(available),
      readUsage: async () =>
        new Map([
          ['uid-guaranteed', mem(100 * Mi)],
          ['uid-besteffort', mem(5 * Mi)],
        ]),
      pods: () => pods,
      evict: async (p, req) => {
        evicted.push([p.metadata?.name ?? '', req]);
        (p['status'] as Record<string, unknown>)['phase'] = 'Failed';
        return true;
      },
      events: (o, type, reason) => events.push(`${o.kind} ${type} ${reason}`),
      node: () => ({ kind: 'Node', metadata: { name: 'n' } }),
      onPressure: (p) => pressures.push([...p]),
      log: () => undefined,
      now: () => now,
    });
    const ac = new AbortController();
    assert.equal(await m.synchronize(ac.signal), 'uid-besteffort');
    assert.equal(evicted[0]?.[1].graceS, 0);
    assert.equal(evicted[0]?.[1].reason, 'Evicted');
    assert.equal(evicted[0]?.[1].condition['reason'], 'TerminationByKubelet');
    assert.match(
      evicted[0]?.[1].message ?? '',
      /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: 50Mi\. /,
    );
    assert.deepEqual(events, [
      'Node Normal NodeHasInsufficientMemory',
      'Node Warning EvictionThresholdMet',
      'Pod Warning Evicted',
    ]);
    assert.equal(await m.synchronize(ac.signal), 'uid-guaranteed');
    assert.equal(await m.synchronize(ac.signal), undefined);
    available = Gi;
    now = 30_000;
    assert.equal(await m.synchronize(ac.signal), undefined);
    assert.ok(m.pressure.has('MemoryPressure'));
    now = 61_000;
    await m.synchronize(ac.signal);
    assert.equal(m.pressure.size, 0);
    assert.deepEqual(pressures, [['MemoryPressure'], []]);
    assert.equal(events.at(-1), 'Node Normal NodeHasSufficientMemory');
  });
});
