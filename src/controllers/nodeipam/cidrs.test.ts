import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexOf, parseCidr, subnetAt } from './cidrs.js';

test('per-node subnets of a cluster range', () => {
  assert.equal(subnetAt('10.42.0.0/16', 24, 0), '10.42.0.0/24');
  assert.equal(subnetAt('10.42.0.0/16', 24, 255), '10.42.255.0/24');
  assert.equal(subnetAt('10.42.0.0/16', 24, 256), undefined);
  assert.equal(indexOf('10.42.0.0/16', 24, '10.42.7.0/24'), 7);
  assert.equal(indexOf('10.42.0.0/16', 24, '10.64.7.0/24'), undefined);
  assert.equal(indexOf('10.42.0.0/16', 24, '10.42.7.0/25'), undefined);
  assert.throws(() => parseCidr('10.42.0.0'), /invalid CIDR/);
  assert.throws(() => subnetAt('10.42.0.0/16', 8, 0), /larger than the cluster range/);
});
