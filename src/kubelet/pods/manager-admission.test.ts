/**
 * The pod manager's admit step against a real API server, with a runtime that has nothing
 * and may only be listed: a refused pod gets phase Failed with the handler's reason and
 * message, no container statuses, an event, and nothing in the runtime; pods met together
 * are admitted one at a time, so each handler sees the pods admitted before it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import type { CriClient } from '../cri/client.js';
import type { PodContext } from './context.js';
import { PodManager } from './manager.js';

type Obj = Record<string, unknown>;

/** An object whose every method throws, except those given. */
function only<T>(what: string, methods: Record<string, (...a: unknown[]) => unknown>, calls: string[]): T {
  return new Proxy(methods, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      const m = target[prop];
      if (m) return m;
      return () => {
        calls.push(`${what}.${prop}`);
        throw new Error(`${what}.${prop} is not available here`);
      };
    },
  }) as T;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function managerFor(client: Client, node: string, calls: string[], events: string[]): PodManager {
  const cri = only<CriClient>(
    'cri',
    { listPodSandbox: async () => [], listContainers: async () => [] },
    calls,
  );
  const ctx: PodContext = {
    cri,
    images: only('images', {}, calls),
    volumes: only('volumes', {}, calls),
    env: only('env', {}, calls),
    probes: only('probes', {}, calls),
    events: (o, type, reason, message) => events.push(`${o.metadata?.name} ${type} ${reason}: ${message}`),
    log: () => {},
    podsDir: '/nonexistent/pods',
    logsDir: '/nonexistent/logs',
    nodeName: node,
    hostIP: '127.0.0.1',
    hostname: node,
    dns: {
      clusterDNS: [],
      clusterDomain: 'cluster.local',
      host: {},
    },
    memoryCapacity: 1 << 30,
    backoffScale: 1,
  };
  return new PodManager(ctx, client);
}

const pod = (name: string, node = 'n1'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] },
});

describe('PodManager admission', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
  });
  after(async () => {
    await api?.close();
  });

  it('refuses pods the handlers refuse, one at a time, writing only a Failed status', async () => {
    const client = api.client();
    const pods = client.resource('', 'v1', 'pods');
    for (const n of ['a', 'b', 'c']) await pods.create('default', pod(n));
    const calls: string[] = [];
    const events: string[] = [];
    const m = managerFor(client, 'n1', calls, events);
    const seen: number[] = [];
    // Admits the first pod it is asked about; refuses any pod once one is admitted.
    m.addAdmitHandler((_p, admitted) => {
      seen.push(admitted.length);
      return admitted.length > 0
        ? {
            reason: 'OutOfpods',
            message: `Node didn't have enough resource: pods, requested: 1, used: ${admitted.length}, capacity: 1`,
          }
        : undefined;
    });
    const ac = new AbortController();
    const running = m.run(ac.signal);
    try {
      const failed = await until('two refusals', async () => {
        const list = (await pods.list('default')).items.filter(
          (p) => (p['status'] as Obj)['phase'] === 'Failed',
        );
        return list.length === 2 ? list : undefined;
      });
      assert.deepEqual(seen.sort(), [0, 1, 1]);
      for (const p of failed) {
        const st = p['status'] as Obj;
        assert.equal(st['reason'], 'OutOfpods');
        assert.equal(
          st['message'],
          "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 1, capacity: 1",
        );
        assert.equal(st['containerStatuses'], undefined);
        assert.equal(st['qosClass'], 'BestEffort');
        assert.equal(typeof st['startTime'], 'string');
        assert.deepEqual(st['conditions'], undefined);
      }
      const refusals = events.filter((e) => e.includes('OutOfpods'));
      assert.equal(refusals.length, 2, events.join('\n'));
      assert.match(refusals[0] ?? '', /^[abc] Warning OutOfpods: Node didn't have enough resource: pods/);
    } finally {
      ac.abort();
      await running;
    }
  });

  it('never touches the runtime for a refused pod, and deletes it at once when asked', async () => {
    const client = api.client();
    const pods = client.resource('', 'v1', 'pods');
    await pods.create('default', pod('refused', 'n2'));
    const calls: string[] = [];
    const events: string[] = [];
    const m = managerFor(client, 'n2', calls, events);
    m.addAdmitHandler(() => ({ reason: 'NodeAffinity', message: 'Predicate NodeAffinity failed: no' }));
    const ac = new AbortController();
    const running = m.run(ac.signal);
    try {
      await until('the refusal', async () => {
        const p = await pods.get('default', 'refused');
        return (p['status'] as Obj)['phase'] === 'Failed' ? p : undefined;
      });
      await pods.delete('default', 'refused');
      await until('the deletion', async () =>
        (await pods.list('default')).items.some((p) => p.metadata?.name === 'refused') ? undefined : true,
      );
    } finally {
      ac.abort();
      await running;
    }
    assert.deepEqual(calls, []);
    assert.deepEqual(events, ['refused Warning NodeAffinity: Predicate NodeAffinity failed: no']);
  });
});
