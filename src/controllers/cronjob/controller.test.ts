/**
 * The CronJob controller against a real API server, with its clock moved by hand: each
 * test sets the clock to just after an activation and asks for a sync, then checks the
 * Jobs, the status and the events. No Job controller runs; tests finish Jobs themselves.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import {
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { CronJobController } from './controller.js';

type Obj = Record<string, unknown>;

let cluster: TestCluster;
let running: RunningControllers;
const clock = { now: Date.now() };
let cronjobs: ResourceClient;
let jobs: ResourceClient;
let events: ResourceClient;
let controller: CronJobController;

/** Creates a CronJob with the clock at the real time: its first sync may come before any tick. */
async function createCronJob(name: string, spec: Obj): Promise<KObject> {
  clock.now = Date.now();
  return cronjobs.create('default', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { team: 'a' }, annotations: { note: 'x' } },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
    },
  });
}

/** The first minute boundary after the CronJob's creation. */
function firstMinute(cj: KObject): number {
  return Math.floor(Date.parse(cj.metadata!.creationTimestamp!) / 60_000) * 60_000 + 60_000;
}

async function jobsOf(cj: string): Promise<KObject[]> {
  const list = await jobs.list('default');
  return list.items
    .filter((j) => j.metadata?.ownerReferences?.[0]?.name === cj)
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

async function status(cj: string): Promise<Obj> {
  return ((await cronjobs.get('default', cj))['status'] ?? {}) as Obj;
}

/** Moves the clock to `ms` and syncs `cj`. */
function tick(cj: string, ms: number): void {
  clock.now = ms;
  controller.enqueue(`default/${cj}`);
}

async function complete(job: KObject, type: 'Complete' | 'Failed' = 'Complete', atMs = clock.now) {
  const t = new Date(Math.floor(atMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const conds = [{ type, status: 'True', lastTransitionTime: t, lastProbeTime: t }];
  await jobs.patch(
    'default',
    job.metadata!.name!,
    {
      status: {
        startTime: t,
        conditions: conds,
        ...(type === 'Complete' ? { completionTime: t, succeeded: 1 } : {}),
      },
    },
    'merge',
    { subresource: 'status' },
  );
}

async function reasons(name: string): Promise<string[]> {
  const list = await events.list('default');
  return list.items
    .filter((e) => (e['involvedObject'] as Obj)['name'] === name)
    .map((e) => `${e['reason']}: ${e['message']}`);
}

describe('cronjob controller', () => {
  before(async () => {
    cluster = await startTestCluster();
    cronjobs = cluster.client.resource('batch', 'v1', 'cronjobs');
    jobs = cluster.client.resource('batch', 'v1', 'jobs');
    events = cluster.client.resource('', 'v1', 'events');
    running = runControllers(
      cluster.client,
      (ctx) => {
        controller = new CronJobController(ctx, { defaultTimeZone: 'UTC' });
        return [controller];
      },
      () => clock.now,
    );
  });
  beforeEach(() => {
    clock.now = Date.now();
  });
  after(async () => {
    // Conflicts are expected: a sync may write from a cache one update behind.
    const errors = running.logs.filter((l) => !l.includes('the object has been modified'));
    await running.stop();
    await cluster.close();
    assert.deepEqual(errors, [], 'no controller errors');
  });

  it('creates the Job of a due activation, then notes its completion', async () => {
    const cj = await createCronJob('every', {});
    const t1 = firstMinute(cj);
    tick('every', t1 + 5_000);
    const [job] = await until('a job', async () => {
      const js = await jobsOf('every');
      return js.length === 1 ? js : undefined;
    });
    assert.equal(job!.metadata?.name, `every-${t1 / 60_000}`);
    assert.equal(job!.metadata?.labels?.['team'], 'a');
    assert.equal(job!.metadata?.annotations?.['note'], 'x');
    assert.equal(
      job!.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'],
      new Date(t1).toISOString().replace('.000Z', 'Z'),
    );
    const ref = job!.metadata?.ownerReferences?.[0];
    assert.equal(ref?.kind, 'CronJob');
    assert.equal(ref?.uid, cj.metadata?.uid);
    assert.equal(ref?.controller, true);
    const st = await until('status', async () => {
      const s = await status('every');
      return s['lastScheduleTime'] ? s : undefined;
    });
    assert.equal(st['lastScheduleTime'], new Date(t1).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(
      (st['active'] as Obj[]).map((r) => [r['kind'], r['name'], r['uid']]),
      [['Job', job!.metadata?.name, job!.metadata?.uid]],
    );
    await complete(job!);
    const done = await until('last success', async () => {
      const s = await status('every');
      return s['lastSuccessfulTime'] && !s['active'] ? s : undefined;
    });
    assert.ok(done['lastSuccessfulTime']);
    await until('the events', async () => {
      const evs = await reasons('every');
      return (
        evs.includes(`SuccessfulCreate: Created job ${job!.metadata?.name}`) &&
        evs.includes(`SawCompletedJob: Saw completed job: ${job!.metadata?.name}, status: Complete`)
      );
    });
    // The same activation never yields a second Job.
    tick('every', t1 + 30_000);
    await until('a sync', async () => (await status('every'))['lastScheduleTime'] !== undefined);
    assert.equal((await jobsOf('every')).length, 1);
  });

  it('Forbid skips an activation while a Job runs; Replace replaces the running Job', async () => {
    const forbid = await createCronJob('forbid', { concurrencyPolicy: 'Forbid' });
    const t1 = firstMinute(forbid);
    tick('forbid', t1 + 1_000);
    await until('a job', async () => (await jobsOf('forbid')).length === 1);
    await until(
      'active',
      async () => ((await status('forbid'))['active'] as unknown[] | undefined)?.length === 1,
    );
    tick('forbid', t1 + 61_000);
    await until('JobAlreadyActive', async () =>
      (await reasons('forbid')).includes(
        'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
      ),
    );
    assert.equal((await jobsOf('forbid')).length, 1);

    const replace = await createCronJob('replace', { concurrencyPolicy: 'Replace' });
    const r1 = firstMinute(replace);
    tick('replace', r1 + 1_000);
    const [first] = await until('a job', async () => {
      const js = await jobsOf('replace');
      return js.length === 1 ? js : undefined;
    });
    await until(
      'active',
      async () => ((await status('replace'))['active'] as unknown[] | undefined)?.length === 1,
    );
    tick('replace', r1 + 61_000);
    const [second] = await until('the replacement', async () => {
      const js = await jobsOf('replace');
      return js.length === 1 && js[0]!.metadata?.name !== first!.metadata?.name ? js : undefined;
    });
    assert.equal(second!.metadata?.name, `replace-${r1 / 60_000 + 1}`);
    await until('the delete event', async () =>
      (await reasons('replace')).includes(`SuccessfulDelete: Deleted job ${first!.metadata?.name}`),
    );
  });

  it('keeps only the configured history of finished Jobs', async () => {
    const cj = await createCronJob('hist', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 });
    const t1 = firstMinute(cj);
    for (let i = 0; i < 3; i++) {
      tick('hist', t1 + i * 60_000 + 1_000);
      const js = await until(`job ${i}`, async () => {
        const l = await jobsOf('hist');
        return l.find((j) => j.metadata?.name === `hist-${t1 / 60_000 + i}`);
      });
      await complete(js, i === 0 ? 'Failed' : 'Complete', t1 + i * 60_000 + 2_000);
      await until('not active', async () => !(await status('hist'))['active']);
    }
    controller.enqueue('default/hist');
    const left = await until('history trimmed', async () => {
      const l = await jobsOf('hist');
      return l.length === 2 ? l : undefined;
    });
    assert.deepEqual(
      left.map((j) => j.metadata?.name),
      [`hist-${t1 / 60_000}`, `hist-${t1 / 60_000 + 2}`],
    );
  });

  it('starts nothing while suspended, and the due activation once resumed', async () => {
    const sus = await createCronJob('sus', { suspend: true });
    const t1 = firstMinute(sus);
    tick('sus', t1 + 1_000);
    await cronjobs.patch('default', 'sus', { spec: { suspend: false } });
    const [job] = await until('a job', async () => {
      const js = await jobsOf('sus');
      return js.length === 1 ? js : undefined;
    });
    assert.equal(job!.metadata?.name, `sus-${t1 / 60_000}`);
  });

  it('starts the latest activation within startingDeadlineSeconds', async () => {
    const late = await createCronJob('late', { startingDeadlineSeconds: 10, schedule: '*/5 * * * *' });
    const created = Date.parse(late.metadata!.creationTimestamp!);
    const due = Math.floor(created / 300_000) * 300_000 + 300_000;
    // 20 s after `due` it is out of the 10 s window; 5 s after the next one it is in.
    tick('late', due + 20_000);
    tick('late', due + 305_000);
    const [job] = await until('a job', async () => {
      const js = await jobsOf('late');
      return js.length === 1 ? js : undefined;
    });
    assert.equal(job!.metadata?.name, `late-${(due + 300_000) / 60_000}`);
  });

  it('runs a schedule in spec.timeZone', async () => {
    const cj = await createCronJob('tokyo', { schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' });
    const created = Date.parse(cj.metadata!.creationTimestamp!);
    // The next 09:00 in Tokyo (00:00 UTC).
    const nine = Math.floor(created / 86_400_000) * 86_400_000 + 86_400_000;
    tick('tokyo', nine + 3_000);
    const [job] = await until('a job', async () => {
      const js = await jobsOf('tokyo');
      return js.length === 1 ? js : undefined;
    });
    const stamp = job!.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    assert.match(stamp ?? '', /T09:00:00\+09:00$/);
  });

  it('never sees CRON_TZ in the schedule together with spec.timeZone: the API refuses it', async () => {
    await assert.rejects(createCronJob('both', { schedule: 'CRON_TZ=UTC * * * * *', timeZone: 'UTC' }), {
      code: 422,
      message: /cannot use both timeZone field and TZ or CRON_TZ in schedule/,
    });
    assert.equal((await jobsOf('both')).length, 0);
  });
});
