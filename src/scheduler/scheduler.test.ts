/**
 * The scheduler against a real API server (SQLite, in-process client): binding, the
 * Unschedulable condition and events, re-queueing on a new node, and preemption. Waits
 * are bounded polls; nothing asserts on time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import type { Client } from '../client/client.js';
import { ApiEventRecorder } from '../controllers/framework/recorder.js';
import type { KObject } from '../registry/types.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';

type Obj = Record<string, unknown>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Scheduler', () => {
  let api: TestApiServer;
  let client: Client;
  let scheduler: Scheduler;
  const ac = new AbortController();
  let running: Promise<void>;
  const logs: string[] = [];

  const pods = () => client.resource('', 'v1', 'pods');
  const nodeOf = (name: string) =>
    until(`${name} bound`, async () => {
      const p = await pods().get('default', name);
      return ((p['spec'] as Obj)['nodeName'] as string | undefined) || undefined;
    });
  const events = async (name: string) =>
    (await client.resource('', 'v1', 'events').list('default')).items.filter(
      (e) => (e['involvedObject'] as Obj)['name'] === name,
    );
  const createNode = (node: KObject) => client.resource('', 'v1', 'nodes').create(undefined, node);
  const createPod = (pod: KObject) => pods().create('default', pod);

  before(async () => {
    api = await startTestApiServer();
    client = api.client({ name: 'system:kube-scheduler', groups: ['system:masters'] });
    await createNode(makeNode('n1', { cpu: '2', memory: '4Gi' }));
    await createNode(makeNode('n2', { cpu: '2', memory: '4Gi', labels: { disk: 'ssd' } }));
    scheduler = new Scheduler({
      client,
      recorder: new ApiEventRecorder(client, 'default-scheduler'),
      log: (m) => logs.push(m),
    });
    running = scheduler.run(ac.signal);
  });

  after(async () => {
    ac.abort();
    await running;
    await api.close();
  });

  it('binds pods and records Scheduled events', async () => {
    await createPod(makePod('web', { cpu: '500m' }));
    await createPod(makePod('fast', { cpu: '500m', nodeSelector: { disk: 'ssd' } }));
    assert.match(await nodeOf('web'), /^n[12]$/);
    assert.equal(await nodeOf('fast'), 'n2');
    const ev = await until('Scheduled event', async () =>
      (await events('fast')).find((e) => e['reason'] === 'Scheduled'),
    );
    assert.equal(ev['message'], 'Successfully assigned default/fast to n2');
    assert.equal(ev['type'], 'Normal');
  });

  it('marks a pod that fits nowhere Unschedulable, then schedules it when a node can take it', async () => {
    await createPod(makePod('huge', { cpu: '3' }));
    const message = await until('Unschedulable condition', async () => {
      const p = await pods().get('default', 'huge');
      const c = ((p['status'] as Obj)['conditions'] as Obj[] | undefined)?.find(
        (x) => x['type'] === 'PodScheduled',
      );
      return c?.['reason'] === 'Unschedulable' ? (c['message'] as string) : undefined;
    });
    assert.equal(
      message,
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    const ev = await until('FailedScheduling event', async () =>
      (await events('huge')).find((e) => e['reason'] === 'FailedScheduling'),
    );
    assert.equal(ev['message'], message);
    assert.equal(ev['type'], 'Warning');
    await createNode(makeNode('n3', { cpu: '8', memory: '4Gi' }));
    assert.equal(await nodeOf('huge'), 'n3');
    await until('PodScheduled True', async () => {
      const p = await pods().get('default', 'huge');
      const c = ((p['status'] as Obj)['conditions'] as Obj[] | undefined)?.find(
        (x) => x['type'] === 'PodScheduled',
      );
      return c?.['status'] === 'True' ? true : undefined;
    });
  });

  it('preempts a lower-priority pod for a higher-priority one', async () => {
    await createNode(makeNode('solo', { cpu: '1', labels: { pool: 'solo' } }));
    const lowPod = makePod('low', { cpu: '800m', priority: 1, nodeSelector: { pool: 'solo' } });
    (lowPod['spec'] as Obj)['terminationGracePeriodSeconds'] = 0;
    await createPod(lowPod);
    assert.equal(await nodeOf('low'), 'solo');
    await createPod(makePod('high', { cpu: '800m', priority: 1000, nodeSelector: { pool: 'solo' } }));
    assert.equal(await nodeOf('high'), 'solo');
    await until('low deleted', async () => {
      const list = await pods().list('default');
      return list.items.some((p) => p.metadata?.name === 'low') ? undefined : true;
    });
    assert.ok(scheduler.stats.preemptions >= 1);
  });
});
