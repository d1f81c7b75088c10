/** Tests of per-kind field sets and of which field-selector fields each kind accepts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SelectorError } from './errors.js';
import { convertFieldSelector, supportedFieldLabels, validateFieldSelector } from './field-labels.js';
import { parseFieldSelector } from './field-selector.js';
import { fieldsOf } from './field-sets.js';

describe('validateFieldSelector', () => {
  it('accepts metadata fields on any kind', () => {
    assert.equal(validateFieldSelector('ConfigMap', 'metadata.name=a,metadata.namespace=b'), undefined);
    assert.equal(validateFieldSelector('Widget', 'metadata.name=a', 'example.com'), undefined);
  });

  it('uses the default text for kinds without their own rule', () => {
    assert.equal(
      validateFieldSelector('ConfigMap', 'data.x=1'),
      '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    assert.equal(
      validateFieldSelector('ReplicaSet', 'status.replicas=1'),
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('uses "field label not supported" for core kinds with a rule', () => {
    assert.equal(validateFieldSelector('Pod', 'spec.nodeName=n1,status.phase=Running'), undefined);
    assert.equal(
      validateFieldSelector('Pod', 'status.hostIP=1.2.3.4'),
      'field label not supported: status.hostIP',
    );
    assert.equal(validateFieldSelector('Node', 'spec.unschedulable=true'), undefined);
    assert.equal(
      validateFieldSelector('Node', 'metadata.namespace=x'),
      'field label not supported: metadata.namespace',
    );
    assert.equal(validateFieldSelector('Namespace', 'status.phase=Active'), undefined);
    assert.equal(validateFieldSelector('Secret', 'type=Opaque'), undefined);
    assert.equal(validateFieldSelector('Service', 'spec.type=NodePort,spec.clusterIP=None'), undefined);
    assert.equal(validateFieldSelector('ReplicationController', 'status.replicas=0'), undefined);
    assert.equal(validateFieldSelector('CertificateSigningRequest', 'spec.signerName=x'), undefined);
  });

  it('uses the Job text for batch Jobs', () => {
    assert.equal(validateFieldSelector('Job', 'status.successful=1'), undefined);
    assert.equal(
      validateFieldSelector('Job', 'status.failed=1'),
      'field label "status.failed" not supported for batchv1.Job',
    );
  });

  it('tells core Events from events.k8s.io Events', () => {
    const describeQuery =
      'involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u1';
    assert.equal(validateFieldSelector('Event', describeQuery), undefined);
    assert.equal(
      validateFieldSelector('Event', 'regarding.name=web'),
      'field label not supported: regarding.name',
    );
    assert.equal(validateFieldSelector('Event', 'regarding.name=web', 'events.k8s.io'), undefined);
    assert.equal(
      validateFieldSelector('Event', 'involvedObject.name=web', 'events.k8s.io'),
      'field label not supported: involvedObject.name',
    );
  });

  it('reports the first unsupported field in sorted order', () => {
    assert.equal(validateFieldSelector('Pod', 'z.bad=1,a.bad=2'), 'field label not supported: a.bad');
  });

  it('is not fooled by kinds that name Object properties', () => {
    assert.equal(validateFieldSelector('constructor', 'metadata.name=a'), undefined);
    assert.deepEqual(fieldsOf('toString', { metadata: { name: 'a' } }), {
      'metadata.name': 'a',
      'metadata.namespace': '',
    });
    assert.equal(validateFieldSelector('Pod', 'constructor=1'), 'field label not supported: constructor');
  });

  it('lists the accepted fields', () => {
    assert.deepEqual(supportedFieldLabels('Widget'), ['metadata.name', 'metadata.namespace']);
    assert.ok(supportedFieldLabels('Pod').includes('spec.host'));
  });
});

describe('convertFieldSelector', () => {
  it('renames fields to the field-set names', () => {
    const sel = convertFieldSelector(
      'Event',
      'regarding.name=web,reportingController=kubelet',
      'events.k8s.io',
    );
    assert.equal(sel.toString(), 'involvedObject.name=web,reportingComponent=kubelet');
    assert.equal(
      convertFieldSelector('Pod', parseFieldSelector('spec.host=n1')).toString(),
      'spec.nodeName=n1',
    );
  });

  it('throws the upstream text', () => {
    assert.throws(
      () => convertFieldSelector('Pod', 'spec.foo=1'),
      (err: unknown) => err instanceof SelectorError && err.message === 'field label not supported: spec.foo',
    );
  });
});

describe('fieldsOf', () => {
  it('gives metadata fields for every kind', () => {
    assert.deepEqual(fieldsOf('ConfigMap', { metadata: { name: 'c', namespace: 'n' } }), {
      'metadata.name': 'c',
      'metadata.namespace': 'n',
    });
    assert.deepEqual(fieldsOf('ClusterRole', { metadata: { name: 'r' } }), {
      'metadata.name': 'r',
      'metadata.namespace': '',
    });
  });

  it('gives the Pod fields, with defaults', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'n' },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        hostNetwork: true,
      },
      status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
    };
    assert.deepEqual(fieldsOf('Pod', pod), {
      'metadata.name': 'p',
      'metadata.namespace': 'n',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': '',
      'spec.hostNetwork': 'true',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.1',
      'status.nominatedNodeName': '',
    });
    const bare = fieldsOf('Pod', { metadata: { name: 'q' }, status: { podIP: '10.0.0.2' } });
    assert.equal(bare['spec.hostNetwork'], 'false');
    assert.equal(bare['status.podIP'], '10.0.0.2');
    assert.ok(parseFieldSelector('spec.nodeName=').matches(bare));
  });

  it('gives the Event fields for both API groups', () => {
    const core = {
      metadata: { name: 'e', namespace: 'n' },
      involvedObject: {
        kind: 'Pod',
        name: 'web',
        namespace: 'n',
        uid: 'u1',
        apiVersion: 'v1',
        fieldPath: 'spec',
      },
      reason: 'Started',
      type: 'Normal',
      source: { component: 'kubelet' },
    };
    const f = fieldsOf('Event', core);
    assert.equal(f['involvedObject.kind'], 'Pod');
    assert.equal(f['involvedObject.uid'], 'u1');
    assert.equal(f['involvedObject.resourceVersion'], '');
    assert.equal(f.source, 'kubelet');
    assert.equal(f.reportingComponent, '');
    const modern = {
      metadata: { name: 'e2', namespace: 'n' },
      regarding: { kind: 'Pod', name: 'web' },
      reportingController: 'sched',
      reason: 'Scheduled',
    };
    const g = fieldsOf('Event', modern, 'events.k8s.io');
    assert.equal(g['involvedObject.name'], 'web');
    assert.equal(g.reportingComponent, 'sched');
    assert.equal(g.source, 'sched', 'source falls back to the reporting controller');
    const sel = convertFieldSelector('Event', 'regarding.name=web,reason=Scheduled', 'events.k8s.io');
    assert.ok(sel.matches(g));
  });

  it('gives the other kinds their fields as strings', () => {
    assert.equal(
      fieldsOf('Node', { metadata: { name: 'n' }, spec: { unschedulable: true } })['spec.unschedulable'],
      'true',
    );
    assert.equal(fieldsOf('Node', { metadata: { name: 'n' } })['spec.unschedulable'], 'false');
    assert.equal(fieldsOf('Secret', { type: 'Opaque' }).type, 'Opaque');
    assert.equal(fieldsOf('Namespace', { status: { phase: 'Active' } })['status.phase'], 'Active');
    assert.equal(
      fieldsOf('Service', { spec: { clusterIP: 'None', type: 'ClusterIP' } })['spec.clusterIP'],
      'None',
    );
    assert.equal(fieldsOf('ReplicaSet', { status: { replicas: 3 } })['status.replicas'], '3');
    assert.equal(fieldsOf('ReplicationController', {})['status.replicas'], '0');
    assert.equal(fieldsOf('Job', { status: { succeeded: 2 } })['status.successful'], '2');
    assert.equal(
      fieldsOf('CertificateSigningRequest', { spec: { signerName: 's' } })['spec.signerName'],
      's',
    );
    assert.equal(
      fieldsOf('Job', { status: { succeeded: 2 } }, 'example.com')['status.successful'],
      undefined,
    );
  });
});
