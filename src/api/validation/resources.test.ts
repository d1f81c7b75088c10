/** Resource quantity validation and the decoding check's parse errors, with upstream's messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from './field-error.js';
import { QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, quantitySyntaxError } from './quantity-syntax.js';
import { validateResourceList, validateResourceRequirements } from './resources.js';

const messages = (errs: ReturnType<typeof validateResourceList>) => errs.map(formatFieldError);

describe('quantitySyntaxError', () => {
  it('accepts quantities and JSON numbers, refuses the rest with upstream’s parse errors', () => {
    for (const ok of ['1', '100m', '1.5Gi', '2e3', ' 5 ', 1, 0.5, '-1', '+1', null])
      assert.equal(quantitySyntaxError(ok), undefined, String(ok));
    for (const bad of ['abc', '', '1.2.3', '1Gb', 'one', true, {}, []])
      assert.equal(quantitySyntaxError(bad), QUANTITY_FORMAT_ERROR, JSON.stringify(bad));
    assert.equal(quantitySyntaxError('1KK'), QUANTITY_SUFFIX_ERROR);
    assert.equal(
      QUANTITY_FORMAT_ERROR,
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('validateResourceRequirements', () => {
  const p = 'spec.containers[0].resources';
  it('refuses negative values at the key of each list', () => {
    assert.deepEqual(
      messages(validateResourceRequirements({ requests: { cpu: '-1' }, limits: { memory: '-1Mi' } }, p)),
      [
        'spec.containers[0].resources.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0',
        'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      ],
    );
  });

  it('refuses requests above limits on the requests path, in canonical form', () => {
    assert.deepEqual(
      messages(validateResourceRequirements({ requests: { cpu: '2' }, limits: { cpu: '1000m' } }, p)),
      [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ],
    );
    assert.deepEqual(
      validateResourceRequirements({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1' } }, p),
      [],
    );
    assert.deepEqual(validateResourceRequirements(undefined, p), []);
  });

  it('wants extended resources whole, set as limits and equal to them', () => {
    assert.deepEqual(messages(validateResourceRequirements({ requests: { 'example.com/gpu': '1' } }, p)), [
      'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    ]);
    assert.deepEqual(
      messages(
        validateResourceRequirements(
          { requests: { 'example.com/gpu': '500m' }, limits: { 'example.com/gpu': '1' } },
          p,
        ),
      ),
      [
        'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
        'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 1',
      ],
    );
  });
});

describe('validateResourceList', () => {
  it('refuses negative values and fractions of counted resources', () => {
    assert.deepEqual(
      messages(validateResourceList({ pods: '1500m', cpu: '-2', 'requests.memory': '1Gi' }, 'spec.hard')),
      [
        'spec.hard[cpu]: Invalid value: "-2": must be greater than or equal to 0',
        'spec.hard[pods]: Invalid value: "1500m": must be an integer',
      ],
    );
  });
});
