/** Static pods from manifest text: parsing, name, namespace, uid, annotations, defaults, bad manifests. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_HASH, CONFIG_SEEN, CONFIG_SOURCE, isMirrorOf, mirrorHash } from './annotations.js';
import { staticPodFrom } from './manifest.js';
import { mirrorPodOf } from './mirror-pod.js';

const SEEN = '2026-01-02T03:04:05.000Z';
const WEB = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
  annotations: {team: a}
spec:
  containers:
  - name: c
    image: 127.0.0.1:5000/busybox:1
    command: [sleep, "3600"]
`;

type Obj = Record<string, unknown>;

function podOf(text: string, path = '/m/web.yaml', node = 'Node-1') {
  const r = staticPodFrom(text, path, node, SEEN);
  if ('error' in r) assert.fail(r.error);
  return r.pod;
}

function errorOf(text: string): string {
  const r = staticPodFrom(text, '/m/x.yaml', 'n1', SEEN);
  assert.ok('error' in r, 'expected an error');
  return r.error;
}

describe('static pod manifests', () => {
  it('name the pod after the node, default the namespace and bind it to the node', () => {
    const pod = podOf(WEB);
    assert.equal(pod.metadata?.name, 'web-node-1');
    assert.equal(pod.metadata?.namespace, 'default');
    assert.equal((pod['spec'] as Obj)['nodeName'], 'Node-1');
    assert.deepEqual(pod.metadata?.labels, { app: 'web' });
    assert.deepEqual(pod['status'], { phase: 'Pending' });
    const inKube = podOf(WEB.replace('  name: web\n', '  name: web\n  namespace: kube-system\n'));
    assert.equal(inKube.metadata?.namespace, 'kube-system');
  });

  it('carry the config annotations, the hash being the uid', () => {
    const pod = podOf(WEB);
    const uid = pod.metadata?.uid ?? '';
    assert.match(uid, /^[0-9a-f]{32}$/);
    assert.deepEqual(pod.metadata?.annotations, {
      team: 'a',
      [CONFIG_HASH]: uid,
      [CONFIG_SEEN]: SEEN,
      [CONFIG_SOURCE]: 'file',
    });
  });

  it('apply the API server defaults and tolerate every NoExecute taint', () => {
    const spec = podOf(WEB)['spec'] as Obj;
    assert.equal(spec['restartPolicy'], 'Always');
    assert.equal(spec['dnsPolicy'], 'ClusterFirst');
    assert.equal(spec['terminationGracePeriodSeconds'], 30);
    const c = (spec['containers'] as Obj[])[0] ?? {};
    assert.equal(c['imagePullPolicy'], 'IfNotPresent');
    assert.equal(c['terminationMessagePath'], '/dev/termination-log');
    assert.deepEqual(spec['tolerations'], [{ operator: 'Exists', effect: 'NoExecute' }]);
  });

  it('keep the uid when only formatting or comments change, and change it with the content', () => {
    const uid = podOf(WEB).metadata?.uid;
    const json = JSON.stringify({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { annotations: { team: 'a' }, labels: { app: 'web' }, name: 'web' },
      spec: { containers: [{ image: '127.0.0.1:5000/busybox:1', name: 'c', command: ['sleep', '3600'] }] },
    });
    assert.equal(podOf(`# a comment\n${WEB}`).metadata?.uid, uid);
    assert.equal(podOf(json).metadata?.uid, uid);
    assert.notEqual(podOf(WEB.replace('"3600"', '"3601"')).metadata?.uid, uid);
    assert.notEqual(podOf(WEB, '/m/web.yaml', 'node-2').metadata?.uid, uid);
    assert.notEqual(podOf(WEB, '/m/other.yaml').metadata?.uid, uid);
  });

  it('reject what is not exactly one valid v1 Pod', () => {
    assert.match(errorOf('kind: Pod\napiVersion: v1\nmetadata: {name: [\n'), /cannot parse/);
    assert.match(errorOf(''), /expected one Pod, found 0 documents/);
    assert.match(errorOf(`${WEB}---\n${WEB}`), /expected one Pod, found 2 documents/);
    assert.match(errorOf('- a\n- b\n'), /not an object/);
    assert.match(errorOf(WEB.replace('kind: Pod', 'kind: Service')), /expected apiVersion v1, kind Pod/);
    assert.match(errorOf(WEB.replace('  name: web\n', '')), /metadata.name: Required value/);
    assert.match(errorOf('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n'), /spec: Required value/);
    assert.match(errorOf(WEB.replace('name: web', 'name: Web_1')), /metadata.name: Invalid value/);
    assert.match(errorOf(WEB.replace('    image: 127.0.0.1:5000/busybox:1\n', '')), /invalid pod: .*image/);
  });

  it('make a mirror pod owned by the node, with the hash in config.mirror', () => {
    const pod = podOf(WEB);
    const mirror = mirrorPodOf(pod, { name: 'node-1', uid: 'node-uid' });
    assert.equal(mirror.metadata?.name, 'web-node-1');
    assert.equal(mirror.metadata?.uid, undefined);
    assert.equal(mirrorHash(mirror), pod.metadata?.uid);
    assert.ok(isMirrorOf(mirror, pod));
    assert.ok(!isMirrorOf(mirror, podOf(WEB.replace('"3600"', '"1"'))));
    assert.equal(mirrorHash(pod), undefined);
    assert.deepEqual(mirror.metadata?.ownerReferences, [
      { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid', controller: true },
    ]);
    assert.deepEqual(mirror['spec'], pod['spec']);
    assert.equal(mirror['status'], undefined);
  });
});
