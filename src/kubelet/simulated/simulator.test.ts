/**
 * The simulator and the node lifecycle controller in one control plane (SQLite, in-process
 * clients): nodes register and stay Ready, a bound pod runs, setNodeDown() makes a node go
 * Unknown and tainted, and bringing it back clears that. Every wait is bounded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import { type ControlPlane, startControlPlane } from '../../server/control-plane.js';
import { SqliteStore } from '../../storage/sqlite/store.js';
import { DEFAULT_SHAPE } from './config.js';

type Obj = Record<string, unknown>;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ready = (n: KObject) =>
  (((n['status'] as Obj)?.['conditions'] as Obj[]) ?? []).find((c) => c['type'] === 'Ready')?.['status'];

describe('simulated nodes in a control plane', () => {
  let dir: string;
  let store: SqliteStore;
  let plane: ControlPlane;
  let client: Client;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-sim-'));
    store = SqliteStore.open(join(dir, 'db', 'state.db'));
    plane = await startControlPlane({
      dataDir: dir,
      store,
      bindAddress: '127.0.0.1',
      port: 0,
      tlsSans: [],
      serviceIP: '10.43.0.1',
      log: () => {},
      controllers: ['nodelifecycle', 'serviceaccount'],
      controllerSettings: { nodeLifecycle: { gracePeriodMs: 1500 } },
      simulatedNodes: {
        count: 2,
        prefix: 'unit-',
        shape: DEFAULT_SHAPE,
        backoffScale: 0.01,
        leaseRenewMs: 300,
      },
    });
    client = plane.clientAs({ name: 'test', groups: ['system:masters'] });
  });
  after(async () => {
    await plane?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const nodes = () => client.resource('', 'v1', 'nodes');
  const pods = () => client.resource('', 'v1', 'pods');

  it('registers nodes with leases, and runs a pod bound to one', async () => {
    await until('two Ready nodes', async () => {
      const list = await nodes().list();
      return list.items.filter((n) => ready(n) === 'True').length === 2 ? true : undefined;
    });
    const lease = await until('a lease', () =>
      client.resource('coordination.k8s.io', 'v1', 'leases').get('kube-node-lease', 'unit-0'),
    );
    assert.equal((lease['spec'] as Obj)['holderIdentity'], 'unit-0');
    await pods().create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'unit-0', containers: [{ name: 'c', image: 'nginx' }] },
    });
    const running = await until('pod Running', async () => {
      const p = await pods().get('default', 'p');
      return (p['status'] as Obj)['phase'] === 'Running' ? p : undefined;
    });
    assert.match(String((running['status'] as Obj)['podIP']), /^10\.64\.0\.\d+$/);
    // Its status writes are the kubelet's, as managedFields tell (upstream's manager name).
    const managers = (running.metadata?.managedFields ?? []).map(
      (e) => `${e.manager}:${e.subresource ?? ''}`,
    );
    assert.ok(managers.includes('kubelet:status'), managers.join(', '));
  });

  it('ignores pods bound to nodes it does not run', async () => {
    await pods().create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'elsewhere' },
      spec: { nodeName: 'not-simulated', containers: [{ name: 'c', image: 'nginx' }] },
    });
    // The simulator answers pods on its own nodes quickly; wait for one, then look at the other.
    await pods().create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'marker' },
      spec: { nodeName: 'unit-1', containers: [{ name: 'c', image: 'nginx' }] },
    });
    await until('marker Running', async () => {
      const p = await pods().get('default', 'marker');
      return (p['status'] as Obj)['phase'] === 'Running' ? true : undefined;
    });
    const other = await pods().get('default', 'elsewhere');
    assert.equal((other['status'] as Obj)['phase'], 'Pending');
  });

  it('takes a node down and brings it back through setNodeDown()', async () => {
    assert.equal(plane.simulator!.setNodeDown('unit-1', true), true);
    assert.equal(plane.simulator!.isNodeDown('unit-1'), true);
    const down = await until('unit-1 Unknown and tainted', async () => {
      const n = await nodes().get(undefined, 'unit-1');
      const taints = ((n['spec'] as Obj)['taints'] as Obj[] | undefined) ?? [];
      return ready(n) === 'Unknown' && taints.some((t) => t['effect'] === 'NoExecute') ? n : undefined;
    });
    const taints = ((down['spec'] as Obj)['taints'] as Obj[]).map((t) => `${t['key']}:${t['effect']}`).sort();
    assert.deepEqual(taints, [
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    plane.simulator!.setNodeDown('unit-1', false);
    await until('unit-1 Ready and untainted', async () => {
      const n = await nodes().get(undefined, 'unit-1');
      return ready(n) === 'True' && !(n['spec'] as Obj)['taints'] ? true : undefined;
    });
    assert.equal(plane.simulator!.setNodeDown('no-such-node', true), false);
  });
});
