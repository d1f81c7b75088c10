/**
 * TTL after finished: the expiry arithmetic, and deletion of finished Jobs against a real
 * API server with the controller's clock moved by hand.
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
import { TtlAfterFinishedController } from './controller.js';
import { ttlState } from './ttl.js';

const T0 = Date.parse('2024-05-08T10:00:00Z');

function job(ttl: number | undefined, finished?: { type: string; at: number }): KObject {
  const t = finished ? new Date(finished.at).toISOString() : undefined;
  return {
    metadata: { name: 'j', namespace: 'ns' },
    spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl },
    status: finished ? { conditions: [{ type: finished.type, status: 'True', lastTransitionTime: t }] } : {},
  };
}

describe('ttl after finished: expiry', () => {
  it('keeps Jobs without a TTL or not finished', () => {
    assert.deepEqual(ttlState(job(undefined, { type: 'Complete', at: T0 }), T0), { kind: 'keep' });
    assert.deepEqual(ttlState(job(10), T0), { kind: 'keep' });
    assert.deepEqual(ttlState(job(10, { type: 'SuccessCriteriaMet', at: T0 }), T0), { kind: 'keep' });
  });

  it('waits out the TTL from the finishing transition', () => {
    assert.deepEqual(ttlState(job(100, { type: 'Complete', at: T0 }), T0 + 40_000), {
      kind: 'wait',
      ms: 60_000,
    });
    assert.deepEqual(ttlState(job(100, { type: 'Failed', at: T0 }), T0 + 100_000), { kind: 'expired' });
    assert.deepEqual(ttlState(job(0, { type: 'Complete', at: T0 }), T0), { kind: 'expired' });
  });
});

describe('ttl after finished controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  const clock = { now: Date.now() };
  let jobs: ResourceClient;
  let controller: TtlAfterFinishedController;
  before(async () => {
    cluster = await startTestCluster();
    jobs = cluster.client.resource('batch', 'v1', 'jobs');
    running = runControllers(
      cluster.client,
      (ctx) => {
        controller = new TtlAfterFinishedController(ctx);
        return [controller];
      },
      () => clock.now,
    );
  });
  after(async () => {
    await running.stop();
    await cluster.close();
    const errors = running.logs;
    assert.deepEqual(errors, []);
  });

  async function create(name: string, ttl: number | undefined): Promise<void> {
    await jobs.create('default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }),
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
  }

  async function finish(name: string): Promise<void> {
    const t = new Date(Math.floor(clock.now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    await jobs.patch(
      'default',
      name,
      {
        status: {
          startTime: t,
          completionTime: t,
          conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: t }],
        },
      },
      'merge',
      { subresource: 'status' },
    );
  }

  /** Deleted, or marked for foreground deletion (no garbage collector runs here). */
  async function deleting(name: string): Promise<boolean> {
    try {
      const j = await jobs.get('default', name);
      if (!j.metadata?.deletionTimestamp) return false;
      assert.ok(j.metadata.finalizers?.includes('foregroundDeletion'));
      return true;
    } catch {
      return true;
    }
  }

  it('deletes a finished Job once its TTL has passed', async () => {
    await create('now', 0);
    await create('later', 100);
    await create('never', undefined);
    await finish('now');
    await finish('later');
    await finish('never');
    await until('now deleted', () => deleting('now'));
    assert.equal(await deleting('later'), false);
    clock.now += 101_000;
    controller.enqueue('default/later');
    controller.enqueue('default/never');
    await until('later deleted', () => deleting('later'));
    assert.equal(await deleting('never'), false);
  });
});
