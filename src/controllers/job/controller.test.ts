/**
 * The Job controller against a real API server (SQLite, in-process client). There is no
 * kubelet: the tests finish pods by writing their status, and move the controller's clock
 * by hand for backoff and deadlines.
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
import { JobController } from './controller.js';

type Obj = Record<string, unknown>;

let cluster: TestCluster;
let running: RunningControllers;
const clock = { now: Date.now() };
let jobs: ResourceClient;
let pods: ResourceClient;
let events: ResourceClient;
let controller: JobController;

function jobSpec(name: string, spec: Obj = {}, podSpec: Obj = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      ...spec,
      template: {
        metadata: { labels: { app: name } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], ...podSpec },
      },
    },
  };
}

async function podsOf(job: string): Promise<KObject[]> {
  const list = await pods.list('default', { labelSelector: `batch.kubernetes.io/job-name=${job}` });
  return list.items.sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

async function getJob(name: string): Promise<KObject> {
  return jobs.get('default', name);
}

function status(job: KObject): Obj {
  return (job['status'] ?? {}) as Obj;
}

function condition(job: KObject, type: string): Obj | undefined {
  return ((status(job)['conditions'] as Obj[]) ?? []).find((c) => c['type'] === type);
}

/** Finishes a pod as the kubelet would: terminal phase, its container terminated now. */
async function finish(pod: KObject, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Failed' ? 1 : 0) {
  const at = new Date(clock.now).toISOString();
  await pods.patch(
    'default',
    pod.metadata!.name!,
    {
      status: {
        phase,
        containerStatuses: [
          {
            name: 'main',
            image: 'busybox',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: {
              terminated: { exitCode, finishedAt: at, reason: phase === 'Failed' ? 'Error' : 'Completed' },
            },
          },
        ],
      },
    },
    'merge',
    { subresource: 'status' },
  );
}

async function eventsFor(name: string): Promise<string[]> {
  const list = await events.list('default');
  return list.items
    .filter((e) => (e['involvedObject'] as Obj)['name'] === name)
    .map((e) => `${e['reason']}: ${e['message']}`);
}

describe('job controller', () => {
  before(async () => {
    cluster = await startTestCluster();
    jobs = cluster.client.resource('batch', 'v1', 'jobs');
    pods = cluster.client.resource('', 'v1', 'pods');
    events = cluster.client.resource('', 'v1', 'events');
    running = runControllers(
      cluster.client,
      (ctx) => {
        controller = new JobController(ctx);
        return [controller];
      },
      () => clock.now,
    );
  });
  after(async () => {
    await running.stop();
    await cluster.close();
    // Conflicts are expected: a sync may write from a cache one update behind.
    const errors = running.logs.filter((l) => !l.includes('the object has been modified'));
    assert.deepEqual(errors, [], 'no unexpected controller errors');
  });

  it('runs completions with parallelism and completes, counting each pod once', async () => {
    await jobs.create('default', jobSpec('c3', { completions: 3, parallelism: 2 }));
    const first = await until('two pods', async () => {
      const ps = await podsOf('c3');
      return ps.length === 2 ? ps : undefined;
    });
    const job = await getJob('c3');
    for (const p of first) {
      assert.deepEqual(p.metadata?.finalizers, ['batch.kubernetes.io/job-tracking']);
      const ref = p.metadata?.ownerReferences?.[0];
      assert.equal(ref?.uid, job.metadata?.uid);
      assert.equal(ref?.controller, true);
      assert.equal(ref?.kind, 'Job');
      assert.ok(p.metadata?.name?.startsWith('c3-'));
    }
    await until('active 2', async () => status(await getJob('c3'))['active'] === 2);
    await finish(first[0]!, 'Succeeded');
    const all = await until('a third pod', async () => {
      const ps = await podsOf('c3');
      return ps.length === 3 ? ps : undefined;
    });
    for (const p of all) if (p.metadata?.name !== first[0]!.metadata?.name) await finish(p, 'Succeeded');
    const done = await until('Complete', async () => {
      const j = await getJob('c3');
      return condition(j, 'Complete')?.['status'] === 'True' ? j : undefined;
    });
    const st = status(done);
    assert.equal(st['succeeded'], 3);
    assert.equal(st['failed'], undefined);
    assert.equal(st['active'], undefined);
    assert.deepEqual(st['uncountedTerminatedPods'], {});
    assert.ok(st['completionTime']);
    assert.ok(st['startTime']);
    assert.equal(condition(done, 'SuccessCriteriaMet')?.['reason'], 'CompletionsReached');
    assert.equal(condition(done, 'Complete')?.['reason'], 'CompletionsReached');
    assert.equal(condition(done, 'Complete')?.['message'], 'Reached expected number of succeeded pods');
    for (const p of await podsOf('c3')) assert.deepEqual(p.metadata?.finalizers ?? [], []);
    const evs = await until('events', async () => {
      const e = await eventsFor('c3');
      return e.includes('Completed: Job completed') ? e : undefined;
    });
    assert.equal(evs.filter((e) => e.startsWith('SuccessfulCreate: Created pod: c3-')).length, 3);
  });

  it('waits for the failure backoff between re-creations and fails at the backoff limit', async () => {
    await jobs.create('default', jobSpec('bo', { backoffLimit: 1 }));
    const [p1] = await until('a pod', async () => {
      const ps = await podsOf('bo');
      return ps.length === 1 ? ps : undefined;
    });
    await finish(p1!, 'Failed');
    // The sync that counts the failure also decides not to create a pod yet.
    await until('failed 1', async () => status(await getJob('bo'))['failed'] === 1);
    assert.equal((await podsOf('bo')).length, 1, 'no replacement during the backoff');
    clock.now += 11_000;
    controller.enqueue('default/bo');
    const p2 = await until('a replacement', async () => {
      const ps = (await podsOf('bo')).filter((p) => p.metadata?.name !== p1!.metadata?.name);
      return ps[0];
    });
    await finish(p2, 'Failed');
    const failed = await until('Failed', async () => {
      const j = await getJob('bo');
      return condition(j, 'Failed')?.['status'] === 'True' ? j : undefined;
    });
    assert.equal(condition(failed, 'Failed')?.['reason'], 'BackoffLimitExceeded');
    assert.equal(condition(failed, 'Failed')?.['message'], 'Job has reached the specified backoff limit');
    assert.equal(condition(failed, 'FailureTarget')?.['reason'], 'BackoffLimitExceeded');
    assert.equal(status(failed)['failed'], 2);
    assert.equal(status(failed)['completionTime'], undefined);
    await until('the event', async () =>
      (await eventsFor('bo')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'),
    );
  });

  it('runs an Indexed job and records completed indexes', async () => {
    await jobs.create(
      'default',
      jobSpec('ix', { completions: 4, parallelism: 3, completionMode: 'Indexed' }),
    );
    const ps = await until('three pods', async () => {
      const l = await podsOf('ix');
      return l.length === 3 ? l : undefined;
    });
    const byIndex = new Map(
      ps.map((p) => [p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p] as const),
    );
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    const p0 = byIndex.get('0')!;
    assert.equal(p0.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], '0');
    assert.equal((p0['spec'] as Obj)['hostname'], 'ix-0');
    assert.ok(p0.metadata?.name?.startsWith('ix-0-'));
    const env = (((p0['spec'] as Obj)['containers'] as Obj[])[0]!['env'] as Obj[]) ?? [];
    assert.ok(env.some((e) => e['name'] === 'JOB_COMPLETION_INDEX'));
    await finish(byIndex.get('0')!, 'Succeeded');
    await finish(byIndex.get('2')!, 'Succeeded');
    await until('indexes 0,2', async () => status(await getJob('ix'))['completedIndexes'] === '0,2');
    const p3 = await until('index 3', async () =>
      (await podsOf('ix')).find(
        (p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '3',
      ),
    );
    await finish(p3, 'Succeeded');
    await finish(byIndex.get('1')!, 'Succeeded');
    const done = await until('Complete', async () => {
      const j = await getJob('ix');
      return condition(j, 'Complete')?.['status'] === 'True' ? j : undefined;
    });
    assert.equal(status(done)['completedIndexes'], '0-3');
    assert.equal(status(done)['succeeded'], 4);
  });

  it('fails a job past its activeDeadlineSeconds and deletes its pods', async () => {
    await jobs.create(
      'default',
      jobSpec('dl', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }),
    );
    await until('two pods', async () => (await podsOf('dl')).length === 2);
    clock.now += 31_000;
    controller.enqueue('default/dl');
    const failed = await until('Failed', async () => {
      const j = await getJob('dl');
      return condition(j, 'Failed')?.['status'] === 'True' ? j : undefined;
    });
    assert.equal(condition(failed, 'Failed')?.['reason'], 'DeadlineExceeded');
    assert.equal(condition(failed, 'Failed')?.['message'], 'Job was active longer than specified deadline');
    assert.equal(status(failed)['failed'], 2);
    await until('pods gone', async () => (await podsOf('dl')).length === 0);
  });

  it('applies podFailurePolicy: Ignore replaces without counting, FailJob fails at once', async () => {
    const policy = {
      rules: [
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } },
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      ],
    };
    await jobs.create('default', jobSpec('pfp', { backoffLimit: 6, podFailurePolicy: policy }));
    const [p1] = await until('a pod', async () => {
      const ps = await podsOf('pfp');
      return ps.length === 1 ? ps : undefined;
    });
    await finish(p1!, 'Failed', 3);
    clock.now += 11_000;
    const p2 = await until('a replacement', async () => {
      controller.enqueue('default/pfp');
      return (await podsOf('pfp')).find((p) => p.metadata?.name !== p1!.metadata?.name);
    });
    assert.equal(status(await getJob('pfp'))['failed'], undefined, 'an ignored failure is not counted');
    await finish(p2, 'Failed', 42);
    const failed = await until('Failed', async () => {
      const j = await getJob('pfp');
      return condition(j, 'Failed')?.['status'] === 'True' ? j : undefined;
    });
    assert.equal(condition(failed, 'Failed')?.['reason'], 'PodFailurePolicy');
    assert.equal(
      condition(failed, 'Failed')?.['message'],
      `Container main for pod default/${p2.metadata?.name} failed with exit code 42 matching FailJob rule at index 1`,
    );
    assert.equal(status(failed)['failed'], 1);
  });

  it('suspends and resumes a job', async () => {
    await jobs.create('default', jobSpec('sus', { suspend: true, parallelism: 2, completions: 4 }));
    const j = await until('Suspended', async () => {
      const x = await getJob('sus');
      return condition(x, 'Suspended')?.['status'] === 'True' ? x : undefined;
    });
    assert.equal(condition(j, 'Suspended')?.['reason'], 'JobSuspended');
    assert.equal(status(j)['startTime'], undefined);
    assert.equal((await podsOf('sus')).length, 0);
    await jobs.patch('default', 'sus', { spec: { suspend: false } });
    await until('two pods', async () => (await podsOf('sus')).length === 2);
    const resumed = await until('Resumed', async () => {
      const x = await getJob('sus');
      return condition(x, 'Suspended')?.['status'] === 'False' ? x : undefined;
    });
    assert.equal(condition(resumed, 'Suspended')?.['reason'], 'JobResumed');
    assert.ok(status(resumed)['startTime'], 'a resumed job starts its clock');
    await jobs.patch('default', 'sus', { spec: { suspend: true } });
    await until('pods deleted', async () => (await podsOf('sus')).length === 0);
    const again = await until('Suspended again', async () => {
      const x = await getJob('sus');
      return condition(x, 'Suspended')?.['status'] === 'True' && status(x)['active'] === undefined
        ? x
        : undefined;
    });
    assert.equal(status(again)['failed'], undefined, 'pods deleted for suspension are not failures');
  });

  it('treats a job without completions as a work queue', async () => {
    await jobs.create('default', jobSpec('wq', { parallelism: 2 }));
    assert.equal(((await getJob('wq'))['spec'] as Obj)['completions'], undefined);
    const ps = await until('two pods', async () => {
      const l = await podsOf('wq');
      return l.length === 2 ? l : undefined;
    });
    await finish(ps[0]!, 'Succeeded');
    await until('succeeded 1', async () => status(await getJob('wq'))['succeeded'] === 1);
    assert.equal((await podsOf('wq')).length, 2, 'no new pod once one succeeded');
    await finish(ps[1]!, 'Succeeded');
    await until('Complete', async () => condition(await getJob('wq'), 'Complete')?.['status'] === 'True');
  });

  it('removes the tracking finalizer from pods of a deleted job', async () => {
    await jobs.create('default', jobSpec('gone', { parallelism: 1 }));
    const [p] = await until('a pod', async () => {
      const ps = await podsOf('gone');
      return ps.length === 1 ? ps : undefined;
    });
    await jobs.delete('default', 'gone', { propagationPolicy: 'Orphan' });
    await until('finalizer removed', async () => {
      const cur = await pods.get('default', p!.metadata!.name!);
      return (cur.metadata?.finalizers ?? []).length === 0;
    });
  });
});
