/**
 * The node IPAM controller against a real API server, with a cluster range of four node
 * ranges: nodes get distinct ranges in order, a node that brings its own keeps it, a
 * deleted node's range is given again, and a node past the end gets CIDRNotAvailable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import {
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { NodeIpamController } from './controller.js';

describe('node ipam controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  let nodes: ResourceClient;
  before(async () => {
    cluster = await startTestCluster();
    nodes = cluster.client.resource('', 'v1', 'nodes');
    running = runControllers(cluster.client, (ctx) => [
      new NodeIpamController(ctx, { clusterCIDR: '10.60.0.0/22', nodeMaskBits: 24 }),
    ]);
  });
  after(async () => {
    await running.stop();
    await cluster.close();
    assert.deepEqual(running.logs, []);
  });

  const create = (name: string, podCIDR?: string) =>
    nodes.create(undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
    });

  const rangeOf = (name: string) =>
    until(`${name} has a pod range`, async () => {
      const spec = (await nodes.get(undefined, name))['spec'] as { podCIDR?: string; podCIDRs?: string[] };
      if (!spec?.podCIDR) return undefined;
      assert.deepEqual(spec.podCIDRs, [spec.podCIDR]);
      return spec.podCIDR;
    });

  it('gives ranges in order, skips held ones, reuses freed ones and reports a full range', async () => {
    await create('own', '10.60.1.0/24');
    await create('a');
    assert.equal(await rangeOf('a'), '10.60.0.0/24');
    await create('b');
    assert.equal(await rangeOf('b'), '10.60.2.0/24', 'the range a node brought is skipped');
    await create('c');
    assert.equal(await rangeOf('c'), '10.60.3.0/24');

    await create('full');
    const event = await until('CIDRNotAvailable for the fifth node', async () => {
      const list = await cluster.client.resource('', 'v1', 'events').list('default');
      return (list.items as KObject[]).find(
        (e) =>
          (e['involvedObject'] as { name?: string }).name === 'full' && e['reason'] === 'CIDRNotAvailable',
      );
    });
    assert.equal(event['message'], 'Node full status is now: CIDRNotAvailable');

    await nodes.delete(undefined, 'b');
    await create('d');
    assert.equal(await rangeOf('d'), '10.60.2.0/24', 'the deleted node range is given again');
  });
});
