/** Quantities of core kinds: the 400 decoding check, then 422 validation with upstream's messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../../api/validation/index.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { KObject } from '../../types.js';
import { podsDef } from './pods.js';
import { checkQuantities } from './quantity-fields.js';
import {
  validateClaimResources,
  validateLimitRangeResources,
  type validatePodSpecResources,
  validateQuotaResources,
} from './resource-validation.js';

const REGEX_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function badRequest(f: () => void): ApiError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return err;
  }
  assert.fail('no error');
}

const pod = (spec: Record<string, unknown>): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
});

describe('decoding check', () => {
  it('refuses a pod whose quantity does not parse with 400, as upstream words it', () => {
    const defaults = podsDef().strategy.defaults;
    assert.ok(defaults);
    const err = badRequest(() =>
      defaults(pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] })),
    );
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, `Pod in version "v1" cannot be handled as a Pod: ${REGEX_ERROR}`);
  });

  it('looks at init containers, overhead, emptyDir sizes, claims, quotas and LimitRanges', () => {
    const cases: [string, KObject][] = [
      ['Pod', pod({ initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '1Gb' } } }] })],
      ['Pod', pod({ overhead: { cpu: 'x' } })],
      ['Pod', pod({ volumes: [{ name: 'v', emptyDir: { sizeLimit: 'big' } }] })],
      ['PersistentVolumeClaim', { spec: { resources: { requests: { storage: 'ten' } } } }],
      ['ResourceQuota', { spec: { hard: { pods: 'many' } } }],
      ['LimitRange', { spec: { limits: [{ type: 'Container', max: { cpu: true } }] } }],
      ['PodTemplate', { template: pod({ overhead: { memory: '1 Gi' } }) }],
    ];
    for (const [kind, o] of cases) {
      const err = badRequest(() => checkQuantities(kind, 'v1', o));
      assert.equal(err.message, `${kind} in version "v1" cannot be handled as a ${kind}: ${REGEX_ERROR}`);
    }
    checkQuantities(
      'Pod',
      'v1',
      pod({ overhead: { cpu: '100m' }, containers: [{ resources: { limits: { cpu: 1 } } }] }),
    );
  });
});

const msgs = (errs: ReturnType<typeof validatePodSpecResources>) => errs.map(formatFieldError);

describe('validation', () => {
  it('checks every container kind and the overhead of a pod, through the pod strategy', () => {
    const validate = podsDef().strategy.validate;
    assert.ok(validate);
    const p = pod({
      initContainers: [{ name: 'i', image: 'x', resources: { requests: { memory: '-1' } } }],
      containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }],
      overhead: { cpu: '-10m' },
    });
    assert.deepEqual(msgs(validate(p)), [
      'spec.initContainers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      'spec.overhead[cpu]: Invalid value: "-10m": must be greater than or equal to 0',
    ]);
  });

  it('wants a claim’s storage request, above zero', () => {
    const claim = (requests?: Record<string, unknown>): KObject => ({ spec: { resources: { requests } } });
    assert.deepEqual(msgs(validateClaimResources(claim())), ['spec.resources[storage]: Required value']);
    assert.deepEqual(msgs(validateClaimResources(claim({ storage: '0' }))), [
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
    assert.deepEqual(msgs(validateClaimResources(claim({ storage: '-1Gi' }))), [
      'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero',
    ]);
    assert.deepEqual(validateClaimResources(claim({ storage: '1Gi' })), []);
  });

  it('checks quota hard limits', () => {
    assert.deepEqual(msgs(validateQuotaResources({ spec: { hard: { 'requests.cpu': '-1', pods: '2' } } })), [
      'spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });

  it('checks LimitRange values against each other', () => {
    const lr = (item: Record<string, unknown>): KObject => ({
      spec: { limits: [{ type: 'Container', ...item }] },
    });
    assert.deepEqual(msgs(validateLimitRangeResources(lr({ min: { cpu: '2' }, max: { cpu: '1' } }))), [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    ]);
    assert.deepEqual(
      msgs(
        validateLimitRangeResources(lr({ default: { memory: '1Gi' }, defaultRequest: { memory: '2Gi' } })),
      ),
      [
        'spec.limits[0].defaultRequest[memory]: Invalid value: "2Gi": default request value 2Gi is greater than default limit value 1Gi',
      ],
    );
    assert.deepEqual(msgs(validateLimitRangeResources(lr({ maxLimitRequestRatio: { cpu: '500m' } }))), [
      'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1',
    ]);
    assert.deepEqual(
      msgs(validateLimitRangeResources({ spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } })),
      ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"],
    );
    assert.deepEqual(
      msgs(
        validateLimitRangeResources({ spec: { limits: [{ type: 'PersistentVolumeClaim', default: {} }] } }),
      ),
      [
        'spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
      ],
    );
    assert.deepEqual(
      validateLimitRangeResources(lr({ min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' } })),
      [],
    );
  });
});
