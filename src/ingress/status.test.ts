/** The load-balancer status a served Ingress should carry, with several nodes serving it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../registry/types.js';
import { desiredAddresses, nodeAddresses } from './status.js';

const ing = (entries?: { ip?: string; hostname?: string }[]): KObject => ({
  metadata: { name: 'i', namespace: 'default' },
  spec: {},
  ...(entries ? { status: { loadBalancer: { ingress: entries } } } : {}),
});

const node = (internal: string, external?: string): KObject => ({
  metadata: { name: internal },
  status: {
    addresses: [
      { type: 'InternalIP', address: internal },
      { type: 'Hostname', address: 'h' },
      ...(external ? [{ type: 'ExternalIP', address: external }] : []),
    ],
  },
});

describe('ingress status', () => {
  it('reads node addresses (internal and external IPs only)', () => {
    assert.deepEqual([...nodeAddresses([node('10.0.0.1', '203.0.113.1'), node('10.0.0.2')])].sort(), [
      '10.0.0.1',
      '10.0.0.2',
      '203.0.113.1',
    ]);
  });

  it('adds the own IP, and nothing more when it is already there', () => {
    assert.deepEqual(desiredAddresses(ing(), '127.0.0.1', new Set()), [{ ip: '127.0.0.1' }]);
    assert.deepEqual(desiredAddresses(ing([]), '127.0.0.1', new Set()), [{ ip: '127.0.0.1' }]);
    assert.equal(desiredAddresses(ing([{ ip: '127.0.0.1' }]), '127.0.0.1', new Set()), undefined);
  });

  it("keeps other existing nodes' IPs, drops gone nodes and foreign entries, sorted", () => {
    const nodes = new Set(['10.0.0.1', '10.0.0.2']);
    assert.equal(
      desiredAddresses(ing([{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]), '10.0.0.2', nodes),
      undefined,
    );
    assert.deepEqual(desiredAddresses(ing([{ ip: '10.0.0.2' }]), '10.0.0.1', nodes), [
      { ip: '10.0.0.1' },
      { ip: '10.0.0.2' },
    ]);
    assert.deepEqual(
      desiredAddresses(ing([{ ip: '10.0.0.9' }, { hostname: 'lb.example' }]), '10.0.0.1', nodes),
      [{ ip: '10.0.0.1' }],
    );
  });
});
