/**
 * pods/binding through a real API server: the pod gets its node, the Binding's
 * annotations and PodScheduled True (a False condition from an earlier failed attempt
 * flips, with a new transition time); a second binding, a binding of a missing pod, of a
 * pod with scheduling gates, under another pod's uid or with another name are refused with
 * the upstream Status. A binding is not an update of the pod: managedFields stay as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import { startTestApiServer, type TestApiServer } from '../testing.js';

type Obj = Record<string, unknown>;

describe('pods/binding', () => {
  let api: TestApiServer;
  let client: Client;
  before(async () => {
    api = await startTestApiServer();
    client = api.client();
  });
  after(() => api.close());

  const bind = async (
    name: string,
    node: string,
    annotations?: Record<string, string>,
    meta: Record<string, string> = { name },
  ) => {
    const pods = client.resource('', 'v1', 'pods');
    const res = await client.transport.request('POST', pods.path('default', name, 'binding'), {
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { ...meta, ...(annotations ? { annotations } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      }),
    });
    return { status: res.status, body: JSON.parse(res.body.toString()) as Obj };
  };
  const podSpec = { containers: [{ name: 'c', image: 'busybox' }] };
  const scheduledOf = (pod: KObject) =>
    (((pod['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? []).find(
      (c) => c['type'] === 'PodScheduled',
    );

  test('sets the node, the annotations and PodScheduled True', async () => {
    const pods = client.resource('', 'v1', 'pods');
    const created = await pods.create('default', {
      metadata: { name: 'p1', annotations: { keep: 'me' } },
      spec: podSpec,
    });
    const r = await bind(
      'p1',
      'node-a',
      { 'example.com/placed-by': 'test' },
      { name: 'p1', uid: created.metadata!.uid! },
    );
    assert.equal(r.status, 201);
    const pod = await pods.get('default', 'p1');
    assert.deepEqual(pod.metadata?.managedFields, created.metadata?.managedFields);
    assert.equal((pod['spec'] as Obj)['nodeName'], 'node-a');
    assert.deepEqual(pod.metadata?.annotations, { keep: 'me', 'example.com/placed-by': 'test' });
    const cond = scheduledOf(pod);
    assert.equal(cond?.['status'], 'True');
    assert.match(String(cond?.['lastTransitionTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('a pod that was unschedulable flips to True without the old reason', async () => {
    const pods = client.resource('', 'v1', 'pods');
    await pods.create('default', { metadata: { name: 'p2' }, spec: podSpec });
    const old = '2020-01-01T00:00:00Z';
    await pods.patch(
      'default',
      'p2',
      {
        status: {
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes are available',
              lastTransitionTime: old,
            },
          ],
        },
      },
      'strategic',
      { subresource: 'status' },
    );
    assert.equal((await bind('p2', 'node-b')).status, 201);
    const cond = scheduledOf(await pods.get('default', 'p2'));
    assert.equal(cond?.['status'], 'True');
    assert.equal(cond?.['reason'], undefined);
    assert.equal(cond?.['message'], undefined);
    assert.notEqual(cond?.['lastTransitionTime'], old);
  });

  test('a bound pod and a missing pod are refused', async () => {
    const again = await bind('p1', 'node-c');
    assert.equal(again.status, 409);
    assert.equal(
      again.body['message'],
      'Operation cannot be fulfilled on pods/binding "p1": pod p1 is already assigned to node "node-a"',
    );
    const missing = await bind('nope', 'node-a');
    assert.equal(missing.status, 404);
    assert.equal(missing.body['reason'], 'NotFound');
  });

  test("preconditions, scheduling gates and a name that is not the URL's are refused", async () => {
    const pods = client.resource('', 'v1', 'pods');
    const p3 = await pods.create('default', { metadata: { name: 'p3' }, spec: podSpec });
    const wrongUid = await bind('p3', 'node-a', undefined, { name: 'p3', uid: 'not-the-uid' });
    assert.equal(wrongUid.status, 409);
    assert.equal(
      wrongUid.body['message'],
      `Operation cannot be fulfilled on pods "p3": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${p3.metadata!.uid}`,
    );
    const staleRv = await bind('p3', 'node-a', undefined, { name: 'p3', resourceVersion: '1' });
    assert.equal(staleRv.status, 409);
    assert.match(String(staleRv.body['message']), /Precondition failed: ResourceVersion in precondition: 1,/);
    const otherName = await bind('p3', 'node-a', undefined, { name: 'p4' });
    assert.equal(otherName.status, 400);
    assert.equal(otherName.body['message'], 'name in URL does not match name in Binding object');
    assert.equal(((await pods.get('default', 'p3'))['spec'] as Obj)['nodeName'], undefined);

    await pods.create('default', {
      metadata: { name: 'gated' },
      spec: { ...podSpec, schedulingGates: [{ name: 'example.com/wait' }] },
    });
    const gated = await bind('gated', 'node-a');
    assert.equal(gated.status, 409);
    assert.equal(
      gated.body['message'],
      'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates',
    );
    assert.equal((await bind('p3', 'node-b', undefined, { name: 'p3', uid: p3.metadata!.uid! })).status, 201);
  });
});
