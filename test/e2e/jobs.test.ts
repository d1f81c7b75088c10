/**
 * Jobs and CronJobs end to end: the real kubectl 1.32 against `k8ts server` with two
 * simulated nodes (the scheduler binds pods; simulated kubelets run them, and the
 * `sim.k8ts.io/exit` annotation makes their containers exit with a given code). A Job
 * completes, one fails after its backoff, an Indexed Job records its indexes, a Job made
 * from a CronJob's template runs, and a finished Job with a TTL goes away. CronJob firing
 * on schedule is covered by the controller's tests, which drive its clock. Every wait is
 * bounded by a timeout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

type Obj = Record<string, unknown>;

function jobYaml(name: string, spec: string, exit: string, extraMeta = ''): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
${extraMeta}spec:
${spec}  template:
    metadata:
      annotations:
        sim.k8ts.io/exit: "${exit}"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "true"]
`;
}

describe('jobs with kubectl', { skip: !hasKubectl() && 'kubectl 1.32 is not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const ok = async (args: string[], opts: { input?: string; timeoutMs?: number } = {}) => {
    const r = await k(args, opts);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as Obj;
  const status = async (job: string) => ((await json(['get', 'job', job]))['status'] ?? {}) as Obj;
  const condition = (st: Obj, type: string) =>
    ((st['conditions'] as Obj[] | undefined) ?? []).find((c) => c['type'] === type);
  const podsOf = async (job: string) =>
    ((await json(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`]))['items'] ?? []) as Obj[];
  const events = async (name: string) =>
    (
      (await json(['get', 'events', '--field-selector', `involvedObject.name=${name}`]))['items'] as Obj[]
    ).map((e) => `${e['reason']}: ${e['message']}`);

  before(async () => {
    server = await startServer({ args: ['--simulated-nodes', '2'] });
    dir = mkdtempSync(join(tmpdir(), 'k8ts-jobs-'));
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a Job to completion', async () => {
    await ok(['apply', '-f', '-'], {
      input: jobYaml('done', '  completions: 3\n  parallelism: 2\n', 'code=0,after=1s'),
    });
    await ok(['wait', '--for=condition=complete', 'job/done', '--timeout=60s'], { timeoutMs: 70_000 });
    const st = await status('done');
    assert.equal(st['succeeded'], 3);
    assert.equal(st['failed'], undefined);
    assert.ok(st['completionTime']);
    assert.equal(condition(st, 'Complete')?.['reason'], 'CompletionsReached');
    const pods = await podsOf('done');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.equal((p['status'] as Obj)['phase'], 'Succeeded');
      assert.ok((p['spec'] as Obj)['nodeName'], 'scheduled on a node');
      assert.deepEqual((p['metadata'] as Obj)['finalizers'] ?? [], [], 'tracking finalizer removed');
    }
    const table = await ok(['get', 'job', 'done']);
    assert.match(table, /done\s+Complete\s+3\/3/);
    const evs = await events('done');
    assert.equal(evs.filter((e) => e.startsWith('SuccessfulCreate: Created pod: done-')).length, 3);
    assert.ok(evs.includes('Completed: Job completed'), evs.join('\n'));
  });

  it('fails a Job at its backoff limit, waiting between retries', async () => {
    await ok(['apply', '-f', '-'], { input: jobYaml('fail', '  backoffLimit: 1\n', 'code=3,after=1s') });
    await ok(['wait', '--for=condition=failed', 'job/fail', '--timeout=90s'], { timeoutMs: 100_000 });
    const st = await status('fail');
    assert.equal(st['failed'], 2);
    assert.equal(condition(st, 'Failed')?.['reason'], 'BackoffLimitExceeded');
    assert.equal(condition(st, 'Failed')?.['message'], 'Job has reached the specified backoff limit');
    const pods = await podsOf('fail');
    assert.equal(pods.length, 2);
    // (The 10 s backoff between the two pods is checked by the controller's tests, on its clock.)
    assert.ok(
      (await events('fail')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'),
    );
  });

  it('runs an Indexed Job and records its completed indexes', async () => {
    await ok(['apply', '-f', '-'], {
      input: jobYaml(
        'indexed',
        '  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n',
        'code=0,after=1s',
      ),
    });
    await ok(['wait', '--for=condition=complete', 'job/indexed', '--timeout=60s'], { timeoutMs: 70_000 });
    const st = await status('indexed');
    assert.equal(st['completedIndexes'], '0-2');
    const indexes = (await podsOf('indexed'))
      .map(
        (p) =>
          ((p['metadata'] as Obj)['labels'] as Record<string, string>)[
            'batch.kubernetes.io/job-completion-index'
          ],
      )
      .sort();
    assert.deepEqual(indexes, ['0', '1', '2']);
  });

  it('runs a Job created from a CronJob template', async () => {
    await ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/30 * * * *', '--', 'true']);
    await ok([
      'patch',
      'cronjob',
      'tick',
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: {
          jobTemplate: {
            spec: { template: { metadata: { annotations: { 'sim.k8ts.io/exit': 'code=0,after=1s' } } } },
          },
        },
      }),
    ]);
    assert.match(
      await ok(['get', 'cronjob', 'tick']),
      /tick\s+\*\/30 \* \* \* \*\s+<none>\s+(False|false)\s+0\s+<none>/,
    );
    await ok(['create', 'job', 'manual', '--from=cronjob/tick']);
    await ok(['wait', '--for=condition=complete', 'job/manual', '--timeout=60s'], { timeoutMs: 70_000 });
  });

  it('deletes a finished Job after its ttlSecondsAfterFinished', async () => {
    await ok(['apply', '-f', '-'], {
      input: jobYaml('short', '  ttlSecondsAfterFinished: 0\n', 'code=0,after=1s'),
    });
    await ok(['wait', '--for=delete', 'job/short', '--timeout=60s'], { timeoutMs: 70_000 });
  });
});
