/** Address validation of Services, with upstream's fields and texts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../api/validation/index.js';
import type { KObject } from '../types.js';
import { validateServiceAddresses, validateServiceAddressesUpdate } from './validation.js';

type Obj = Record<string, unknown>;
const svc = (spec: Obj): KObject => ({ metadata: { name: 's' }, spec });
const texts = (o: KObject) => validateServiceAddresses(o).map(formatFieldError);

describe('validateServiceAddresses', () => {
  it('accepts a consistent Service', () => {
    assert.deepEqual(
      texts(
        svc({ type: 'ClusterIP', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], ipFamilies: ['IPv4'] }),
      ),
      [],
    );
  });

  it('refuses clusterIP and clusterIPs that disagree, and malformed addresses', () => {
    assert.deepEqual(texts(svc({ clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.8'] })), [
      'spec.clusterIPs: Invalid value: []string{"10.43.0.8"}: first value must match `clusterIP`',
    ]);
    assert.deepEqual(texts(svc({ clusterIPs: ['10.43.0.8'] })), [
      'spec.clusterIPs: Invalid value: []string{"10.43.0.8"}: must be empty when `clusterIP` is not specified',
    ]);
    assert.deepEqual(texts(svc({ clusterIP: 'abc', clusterIPs: ['abc'] })), [
      'spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    assert.deepEqual(texts(svc({ clusterIP: 'fd00::1', clusterIPs: ['fd00::1'], ipFamilies: ['IPv4'] })), [
      'spec.clusterIPs[0]: Invalid value: "fd00::1": expected an IPv4 value as indicated by `ipFamilies[0]`',
    ]);
  });

  it('applies the type rules of nodePorts and headless Services', () => {
    assert.deepEqual(texts(svc({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30001 }] })), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    assert.deepEqual(
      texts(
        svc({
          type: 'NodePort',
          ports: [
            { port: 80, protocol: 'TCP', nodePort: 30001 },
            { port: 81, protocol: 'UDP', nodePort: 30001 },
            { port: 82, protocol: 'TCP', nodePort: 30001 },
          ],
        }),
      ),
      ['spec.ports[2].nodePort: Duplicate value: 30001'],
    );
    assert.deepEqual(texts(svc({ type: 'NodePort', clusterIP: 'None', clusterIPs: ['None'] })), [
      'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
    ]);
    assert.deepEqual(texts(svc({ type: 'ExternalName', clusterIPs: ['10.43.0.1'] })), [
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
    ]);
  });

  it('requires a health-check port exactly for LoadBalancer with Local traffic', () => {
    assert.deepEqual(
      texts(
        svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: true }),
      ),
      ['spec.healthCheckNodePort: Required value'],
    );
    assert.deepEqual(texts(svc({ type: 'NodePort', healthCheckNodePort: 30100 })), [
      "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    ]);
    assert.deepEqual(texts(svc({ type: 'NodePort', allocateLoadBalancerNodePorts: true })), [
      "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
  });
});

describe('validateServiceAddressesUpdate', () => {
  const old = svc({ type: 'ClusterIP', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'] });
  it('refuses a changed or removed ClusterIP, except to and from ExternalName', () => {
    const changed = svc({ type: 'ClusterIP', clusterIP: '10.43.0.8', clusterIPs: ['10.43.0.8'] });
    assert.deepEqual(validateServiceAddressesUpdate(changed, old).map(formatFieldError), [
      'spec.clusterIPs[0]: Invalid value: []string{"10.43.0.8"}: may not change once set',
    ]);
    assert.deepEqual(validateServiceAddressesUpdate(svc({ type: 'ClusterIP' }), old).map(formatFieldError), [
      'spec.clusterIPs[0]: Invalid value: []string{}: primary clusterIP can not be unset',
    ]);
    assert.deepEqual(validateServiceAddressesUpdate(svc({ type: 'ExternalName' }), old), []);
  });

  it('keeps the health-check port', () => {
    const lb = (hc: number) =>
      svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hc });
    assert.deepEqual(validateServiceAddressesUpdate(lb(30001), lb(30002)).map(formatFieldError), [
      'spec.healthCheckNodePort: Forbidden: field is immutable',
    ]);
  });
});
