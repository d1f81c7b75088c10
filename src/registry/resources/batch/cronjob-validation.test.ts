/**
 * CronJob validation through a real API server: the Status a client sees (422 Invalid,
 * kube-apiserver's message and causes) for a bad schedule, a TZ= prefix, an unknown or
 * implicit time zone, an unsupported concurrency policy, negative limits and a long name;
 * a valid CronJob with a time zone is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../../apiserver/testing.js';
import type { ResourceClient } from '../../../client/client.js';
import { ApiStatusError } from '../../../client/errors.js';

const template = {
  spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
};

describe('CronJob validation', () => {
  let api: TestApiServer;
  let cronjobs: ResourceClient;
  before(async () => {
    api = await startTestApiServer();
    cronjobs = api.client().resource('batch', 'v1', 'cronjobs');
  });
  after(() => api.close());

  const refused = async (name: string, spec: Record<string, unknown>): Promise<string> => {
    try {
      await cronjobs.create('default', { metadata: { name }, spec: { jobTemplate: template, ...spec } });
    } catch (err) {
      assert.ok(err instanceof ApiStatusError, String(err));
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      return err.message;
    }
    assert.fail(`${name} was accepted`);
  };

  test('a schedule that does not parse', async () => {
    assert.equal(
      await refused('bad', { schedule: '61 * * * *' }),
      'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    );
    assert.equal(
      await refused('empty', { schedule: '' }),
      'CronJob.batch "empty" is invalid: spec.schedule: Required value',
    );
  });

  test('time zones: only in timeZone, explicit and known', async () => {
    assert.equal(
      await refused('tz', { schedule: 'CRON_TZ=UTC 0 * * * *' }),
      'CronJob.batch "tz" is invalid: spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    );
    assert.equal(
      await refused('mars', { schedule: '0 * * * *', timeZone: 'Mars/Olympus' }),
      'CronJob.batch "mars" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    );
    assert.equal(
      await refused('local', { schedule: '0 * * * *', timeZone: 'Local' }),
      'CronJob.batch "local" is invalid: spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    );
    const ok = await cronjobs.create('default', {
      metadata: { name: 'berlin' },
      spec: { schedule: '30 6 * * 1-5', timeZone: 'Europe/Berlin', jobTemplate: template },
    });
    assert.equal((ok['spec'] as Record<string, unknown>)['timeZone'], 'Europe/Berlin');
  });

  test('policy, limits and name length', async () => {
    assert.equal(
      await refused('policy', { schedule: '@hourly', concurrencyPolicy: 'Sometimes' }),
      'CronJob.batch "policy" is invalid: spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    );
    assert.equal(
      await refused('limits', {
        schedule: '@hourly',
        startingDeadlineSeconds: -1,
        failedJobsHistoryLimit: -2,
      }),
      'CronJob.batch "limits" is invalid: [spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0, spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0]',
    );
    const long = 'x'.repeat(53);
    assert.equal(
      await refused(long, { schedule: '@hourly' }),
      `CronJob.batch "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 52 characters`,
    );
  });
});
