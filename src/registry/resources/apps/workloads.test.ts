/** Pod templates of workloads: their quantities are checked like a pod's (400 when unparsable, 422 when invalid). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../../api/validation/index.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { KObject, ResourceDef } from '../../types.js';
import { jobDefs } from '../batch/jobs.js';
import { workloadDefs } from './workloads.js';

function def(kind: string): ResourceDef {
  const d = [...workloadDefs(), ...jobDefs()].find((x) => x.info.kind === kind);
  assert.ok(d, kind);
  return d;
}

function template(requests: Record<string, unknown>, limits: Record<string, unknown> = {}) {
  return {
    metadata: { labels: { app: 'a' } },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: 'x', resources: { requests, limits } }],
    },
  };
}

const deployment = (t: unknown): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'a' } }, template: t },
});

const cronJob = (t: unknown): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'c', namespace: 'default' },
  spec: { schedule: '* * * * *', jobTemplate: { spec: { template: t } } },
});

describe('workload pod templates', () => {
  it('refuse an unparsable quantity with 400, naming the workload kind', () => {
    for (const [kind, obj] of [
      ['Deployment', deployment(template({ cpu: 'lots' }))],
      ['CronJob', cronJob(template({ memory: '1KK' }))],
    ] as const) {
      try {
        def(kind).strategy.defaults?.(structuredClone(obj));
        assert.fail(`${kind}: no error`);
      } catch (err) {
        assert.ok(err instanceof ApiError, String(err));
        assert.equal(err.code, 400);
        assert.match(err.message, new RegExp(`^${kind} in version "v1" cannot be handled as a ${kind}: `));
      }
    }
  });

  it('refuse requests above limits and negative values under spec.template.spec', () => {
    const d = def('Deployment');
    const obj = deployment(template({ cpu: '2', memory: '-1' }, { cpu: '1' }));
    d.strategy.defaults?.(obj);
    const errs = (d.strategy.validate?.(obj) ?? []).map(formatFieldError);
    assert.ok(
      errs.includes(
        'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ),
      errs.join('\n'),
    );
    assert.ok(
      errs.some((e) =>
        e.startsWith('spec.template.spec.containers[0].resources.requests[memory]: Invalid value: "-1"'),
      ),
      errs.join('\n'),
    );
    const ok = deployment(template({ cpu: '500m' }, { cpu: '1' }));
    d.strategy.defaults?.(ok);
    assert.deepEqual(d.strategy.validate?.(ok) ?? [], []);
  });
});
