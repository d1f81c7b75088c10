/**
 * Strategic merge patch as `kubectl apply` uses it: the three-way patches kubectl sends for
 * everyday edits, applied with the built-in kinds' descriptions. Every expected result here
 * matches what the Kubernetes 1.32 patch code produces for the same object and patch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json, JsonObject } from './json.js';
import { patchMetaFor } from './meta-kinds.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { deepFreeze, directivesIn } from './testing.js';

function smp(apiVersion: string, kind: string, doc: Json, patch: Json): JsonObject {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const out = applyStrategicMergePatch(
    deepFreeze(doc),
    deepFreeze(patch),
    patchMetaFor(group!, version!, kind),
  );
  assert.deepEqual(directivesIn(out), [], 'no directive may be left in the result');
  return out as JsonObject;
}

function deployment(podSpec: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
      ...extra,
    },
  };
}

/** Applies a patch to a Deployment and returns its pod spec. */
function podSpecAfter(podSpec: JsonObject, patchedPodSpec: JsonObject): JsonObject {
  const out = smp('apps/v1', 'Deployment', deployment(podSpec), {
    spec: { template: { spec: patchedPodSpec } },
  });
  return ((out['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
}

const APP = { name: 'app', image: 'x:1', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }] };
const SIDE = { name: 'side', image: 's:1' };

describe('kubectl apply: containers', () => {
  it('changes one image and keeps the other containers and fields', () => {
    const doc = deployment({ containers: [APP, SIDE], restartPolicy: 'Always' });
    const out = smp('apps/v1', 'Deployment', doc, {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'x:2' }] } } },
    });
    assert.deepEqual(
      out,
      deployment({ containers: [{ ...APP, image: 'x:2' }, SIDE], restartPolicy: 'Always' }),
    );
  });
  it('changes an image with $setElementOrder/containers, as kubectl sends it', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }],
        containers: [{ name: 'side', image: 's:2' }],
      },
    );
    assert.deepEqual(spec, { containers: [APP, { name: 'side', image: 's:2' }] });
  });
  it('adds a container where $setElementOrder puts it', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'mid' }, { name: 'side' }],
        containers: [{ name: 'mid', image: 'm:1' }],
      },
    );
    assert.deepEqual(spec, { containers: [APP, { name: 'mid', image: 'm:1' }, SIDE] });
  });
  it('reorders containers with $setElementOrder alone', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }] },
    );
    assert.deepEqual(spec, { containers: [SIDE, APP] });
  });
  it('deletes a container with $patch: delete', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'side' }] },
    );
    assert.deepEqual(spec, { containers: [APP] });
  });
  it('ignores the deletion of a container that is not there', () => {
    const spec = podSpecAfter({ containers: [APP] }, { containers: [{ $patch: 'delete', name: 'nope' }] });
    assert.deepEqual(spec, { containers: [APP] });
  });
  it('keeps a container the server added that the patch does not name', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'late' }],
        containers: [{ name: 'late', image: 'l:1' }],
      },
    );
    assert.deepEqual(spec, { containers: [APP, { name: 'late', image: 'l:1' }, SIDE] });
  });
  it('replaces args, command and envFrom whole', () => {
    const spec = podSpecAfter(
      { containers: [{ ...APP, command: ['sh'], envFrom: [{ configMapRef: { name: 'a' } }] }] },
      {
        containers: [
          { name: 'app', args: ['--c'], command: ['bash', '-c'], envFrom: [{ secretRef: { name: 'b' } }] },
        ],
      },
    );
    assert.deepEqual(spec, {
      containers: [
        { ...APP, args: ['--c'], command: ['bash', '-c'], envFrom: [{ secretRef: { name: 'b' } }] },
      ],
    });
  });
  it('merges init containers by name too', () => {
    const spec = podSpecAfter(
      {
        initContainers: [
          { name: 'i1', image: 'i:1' },
          { name: 'i2', image: 'i:1' },
        ],
        containers: [APP],
      },
      { initContainers: [{ name: 'i2', image: 'i:2' }] },
    );
    assert.deepEqual(spec, {
      initContainers: [
        { name: 'i1', image: 'i:1' },
        { name: 'i2', image: 'i:2' },
      ],
      containers: [APP],
    });
  });
});

describe('kubectl apply: container fields', () => {
  it('adds and removes env vars by name', () => {
    const spec = podSpecAfter(
      {
        containers: [
          {
            name: 'app',
            image: 'x',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
      {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [
          {
            name: 'app',
            '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
            env: [
              { name: 'C', value: '3' },
              { $patch: 'delete', name: 'B' },
            ],
          },
        ],
      },
    );
    assert.deepEqual(spec, {
      containers: [
        {
          name: 'app',
          image: 'x',
          env: [
            { name: 'A', value: '1' },
            { name: 'C', value: '3' },
          ],
        },
      ],
    });
  });
  it('switches an env var from value to valueFrom', () => {
    const spec = podSpecAfter(
      { containers: [{ name: 'app', image: 'x', env: [{ name: 'A', value: '1' }] }] },
      {
        containers: [
          {
            name: 'app',
            env: [{ name: 'A', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          },
        ],
      },
    );
    assert.deepEqual(spec, {
      containers: [
        {
          name: 'app',
          image: 'x',
          env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
    });
  });
  it('merges ports by containerPort and puts new ones in patch order', () => {
    const spec = podSpecAfter(
      {
        containers: [
          {
            name: 'app',
            ports: [
              { containerPort: 80, name: 'http' },
              { containerPort: 443, name: 'https' },
            ],
          },
        ],
      },
      {
        containers: [
          {
            name: 'app',
            ports: [
              { containerPort: 8080, name: 'alt' },
              { containerPort: 80, name: 'web' },
            ],
          },
        ],
      },
    );
    assert.deepEqual(spec, {
      containers: [
        {
          name: 'app',
          ports: [
            { containerPort: 8080, name: 'alt' },
            { containerPort: 80, name: 'web' },
            { containerPort: 443, name: 'https' },
          ],
        },
      ],
    });
  });
  it('merges volumeMounts by mountPath and volumeDevices by devicePath', () => {
    const spec = podSpecAfter(
      {
        containers: [
          {
            name: 'app',
            volumeMounts: [
              { name: 'a', mountPath: '/a' },
              { name: 'b', mountPath: '/b' },
            ],
            volumeDevices: [{ name: 'd', devicePath: '/dev/d' }],
          },
        ],
      },
      {
        containers: [
          {
            name: 'app',
            volumeMounts: [{ mountPath: '/b', readOnly: true }],
            volumeDevices: [{ name: 'e', devicePath: '/dev/d' }],
          },
        ],
      },
    );
    assert.deepEqual(spec, {
      containers: [
        {
          name: 'app',
          volumeMounts: [
            { name: 'a', mountPath: '/a' },
            { name: 'b', mountPath: '/b', readOnly: true },
          ],
          volumeDevices: [{ name: 'e', devicePath: '/dev/d' }],
        },
      ],
    });
  });
  it('removes a whole list field with null', () => {
    const spec = podSpecAfter(
      { containers: [APP], tolerations: [{ key: 'a', operator: 'Exists' }] },
      {
        tolerations: null,
        containers: [{ name: 'app', env: null }],
      },
    );
    assert.deepEqual(spec, { containers: [{ name: 'app', image: 'x:1', args: ['--a', '--b'] }] });
  });
});

describe('kubectl apply: pod spec lists', () => {
  it('switches a volume from emptyDir to configMap with $retainKeys', () => {
    const spec = podSpecAfter(
      {
        containers: [APP],
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'c1' } },
        ],
      },
      {
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'c2' }, name: 'data' }],
      },
    );
    assert.deepEqual(spec, {
      containers: [APP],
      volumes: [
        { name: 'data', configMap: { name: 'c2' } },
        { name: 'cfg', configMap: { name: 'c1' } },
      ],
    });
  });
  it('adds a volume that carries $retainKeys', () => {
    const spec = podSpecAfter(
      { containers: [APP], volumes: [{ name: 'data', emptyDir: {} }] },
      { volumes: [{ $retainKeys: ['name', 'secret'], name: 'sec', secret: { secretName: 's' } }] },
    );
    assert.deepEqual(spec, {
      containers: [APP],
      volumes: [
        { name: 'sec', secret: { secretName: 's' } },
        { name: 'data', emptyDir: {} },
      ],
    });
  });
  it('replaces tolerations whole', () => {
    const spec = podSpecAfter(
      {
        containers: [APP],
        tolerations: [
          { key: 'k1', operator: 'Exists' },
          { key: 'k2', operator: 'Exists' },
        ],
      },
      { tolerations: [{ key: 'k3', operator: 'Exists' }] },
    );
    assert.deepEqual(spec, { containers: [APP], tolerations: [{ key: 'k3', operator: 'Exists' }] });
  });
  it('merges topologySpreadConstraints by topologyKey, hostAliases by ip, imagePullSecrets by name', () => {
    const spec = podSpecAfter(
      {
        containers: [APP],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
        hostAliases: [{ ip: '1.1.1.1', hostnames: ['a'] }],
        imagePullSecrets: [{ name: 'reg1' }],
      },
      {
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }],
        hostAliases: [{ ip: '2.2.2.2', hostnames: ['b'] }],
        imagePullSecrets: [{ name: 'reg2' }],
      },
    );
    assert.deepEqual(spec, {
      containers: [APP],
      topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }],
      hostAliases: [
        { ip: '2.2.2.2', hostnames: ['b'] },
        { ip: '1.1.1.1', hostnames: ['a'] },
      ],
      imagePullSecrets: [{ name: 'reg2' }, { name: 'reg1' }],
    });
  });
  it('replaces a merged list with a $patch: replace element', () => {
    const spec = podSpecAfter(
      { containers: [APP, SIDE] },
      { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] },
    );
    assert.deepEqual(spec, { containers: [{ name: 'only', image: 'o:1' }] });
  });
  it('empties a merged list with a lone $patch: replace element', () => {
    const spec = podSpecAfter(
      { containers: [APP], volumes: [{ name: 'v', emptyDir: {} }] },
      { volumes: [{ $patch: 'replace' }] },
    );
    assert.deepEqual(spec, { containers: [APP], volumes: [] });
  });
});

describe('kubectl apply: metadata', () => {
  it('removes a label with null and adds another', () => {
    const out = smp('apps/v1', 'Deployment', deployment({ containers: [APP] }), {
      metadata: { labels: { tier: null, team: 'a', absent: null } },
    });
    assert.deepEqual(out['metadata'], { name: 'web', labels: { app: 'web', team: 'a' } });
  });
  it('updates the last-applied annotation like any other annotation', () => {
    const doc = {
      metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    };
    const out = smp(
      'v1',
      'ConfigMap',
      { ...doc, data: { a: '1', b: '2' } },
      {
        data: { a: null, c: '3' },
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' } },
      },
    );
    assert.deepEqual(out, {
      metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' } },
      data: { b: '2', c: '3' },
    });
  });
  it('merges finalizers as a set', () => {
    const doc = { metadata: { name: 'x', finalizers: ['a', 'b', 'a'] } };
    const out = smp('v1', 'ConfigMap', doc, { metadata: { finalizers: ['b', 'c'] } });
    assert.deepEqual(out, { metadata: { name: 'x', finalizers: ['a', 'b', 'c'] } });
  });
  it('adds a finalizer in $setElementOrder order', () => {
    const doc = { metadata: { name: 'x', finalizers: ['a', 'b'] } };
    const out = smp('v1', 'ConfigMap', doc, {
      metadata: { '$setElementOrder/finalizers': ['a', 'c', 'b'], finalizers: ['c'] },
    });
    assert.deepEqual(out, { metadata: { name: 'x', finalizers: ['a', 'c', 'b'] } });
  });
  it('removes finalizers with $deleteFromPrimitiveList', () => {
    const doc = { metadata: { name: 'x', finalizers: ['a', 'b', 'c'] } };
    const out = smp('v1', 'ConfigMap', doc, {
      metadata: {
        '$deleteFromPrimitiveList/finalizers': ['a', 'zz'],
        '$setElementOrder/finalizers': ['b', 'c'],
      },
    });
    assert.deepEqual(out, { metadata: { name: 'x', finalizers: ['b', 'c'] } });
  });
  it('adds and removes finalizers in one patch', () => {
    const doc = { metadata: { name: 'x', finalizers: ['a', 'b'] } };
    const out = smp('v1', 'ConfigMap', doc, {
      metadata: {
        '$deleteFromPrimitiveList/finalizers': ['a'],
        '$setElementOrder/finalizers': ['c', 'b'],
        finalizers: ['c'],
      },
    });
    assert.deepEqual(out, { metadata: { name: 'x', finalizers: ['c', 'b'] } });
  });
  it('merges ownerReferences by uid', () => {
    const doc = {
      metadata: {
        name: 'x',
        ownerReferences: [
          { uid: 'u1', name: 'o1' },
          { uid: 'u2', name: 'o2' },
        ],
      },
    };
    const out = smp('v1', 'ConfigMap', doc, {
      metadata: { ownerReferences: [{ uid: 'u2', controller: true }] },
    });
    assert.deepEqual(out, {
      metadata: {
        name: 'x',
        ownerReferences: [
          { uid: 'u1', name: 'o1' },
          { uid: 'u2', name: 'o2', controller: true },
        ],
      },
    });
  });
});

describe('kubectl apply: Deployment strategy', () => {
  it('switches RollingUpdate to Recreate, $retainKeys dropping rollingUpdate', () => {
    const out = smp('apps/v1', 'Deployment', deployment({ containers: [APP] }), {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    });
    assert.deepEqual((out['spec'] as JsonObject)['strategy'], { type: 'Recreate' });
  });
  it('accepts the explicit null kubectl sends for a field it removed', () => {
    const out = smp('apps/v1', 'Deployment', deployment({ containers: [APP] }), {
      spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
    });
    assert.deepEqual((out['spec'] as JsonObject)['strategy'], { type: 'Recreate' });
  });
  it('switches back to RollingUpdate', () => {
    const doc = deployment({ containers: [APP] }, { strategy: { type: 'Recreate' } });
    const out = smp('apps/v1', 'Deployment', doc, {
      spec: {
        strategy: {
          $retainKeys: ['rollingUpdate', 'type'],
          rollingUpdate: { maxSurge: '50%' },
          type: 'RollingUpdate',
        },
      },
    });
    assert.deepEqual((out['spec'] as JsonObject)['strategy'], {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '50%' },
    });
  });
});

describe('kubectl apply: other kinds', () => {
  it('merges Service ports by port', () => {
    const doc = {
      metadata: { name: 's' },
      spec: {
        ports: [
          { port: 80, targetPort: 8080, name: 'http' },
          { port: 443, targetPort: 8443, name: 'https' },
        ],
      },
    };
    const out = smp('v1', 'Service', doc, {
      spec: {
        '$setElementOrder/ports': [{ port: 80 }, { port: 443 }, { port: 9090 }],
        ports: [
          { port: 80, targetPort: 9080 },
          { port: 9090, name: 'metrics' },
        ],
      },
    });
    assert.deepEqual((out['spec'] as JsonObject)['ports'], [
      { port: 80, targetPort: 9080, name: 'http' },
      { port: 443, targetPort: 8443, name: 'https' },
      { port: 9090, name: 'metrics' },
    ]);
  });
  it('deletes a Service port', () => {
    const doc = { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } };
    const out = smp('v1', 'Service', doc, {
      spec: { '$setElementOrder/ports': [{ port: 443 }], ports: [{ $patch: 'delete', port: 80 }] },
    });
    assert.deepEqual(out, { metadata: { name: 's' }, spec: { ports: [{ port: 443 }] } });
  });
  it('merges ServiceAccount secrets by name', () => {
    const out = smp(
      'v1',
      'ServiceAccount',
      { metadata: { name: 'sa' }, secrets: [{ name: 's1' }] },
      { secrets: [{ name: 's2' }] },
    );
    assert.deepEqual(out['secrets'], [{ name: 's2' }, { name: 's1' }]);
  });
  it('patches the pod template of a CronJob, Job, StatefulSet, DaemonSet, ReplicaSet, RC and PodTemplate', () => {
    const containers = [
      { name: 'a', image: 'a' },
      { name: 'b', image: 'b' },
    ];
    const patched = [
      { name: 'a', image: 'a' },
      { name: 'b', image: 'b2' },
    ];
    const template = (list: Json): Json => ({ spec: { containers: list } });
    const cases: [string, string, (t: Json) => JsonObject][] = [
      ['batch/v1', 'CronJob', (t) => ({ spec: { jobTemplate: { spec: { template: t } } } })],
      ['batch/v1', 'Job', (t) => ({ spec: { template: t } })],
      ['apps/v1', 'StatefulSet', (t) => ({ spec: { template: t } })],
      ['apps/v1', 'DaemonSet', (t) => ({ spec: { template: t } })],
      ['apps/v1', 'ReplicaSet', (t) => ({ spec: { template: t } })],
      ['v1', 'ReplicationController', (t) => ({ spec: { template: t } })],
      ['v1', 'PodTemplate', (t) => ({ template: t })],
    ];
    for (const [apiVersion, kind, wrap] of cases) {
      const out = smp(
        apiVersion,
        kind,
        wrap(template(containers)),
        wrap(template([{ name: 'b', image: 'b2' }])),
      );
      assert.deepEqual(out, wrap(template(patched)), kind);
    }
  });
  it('replaces StatefulSet volumeClaimTemplates whole', () => {
    const doc = {
      spec: { volumeClaimTemplates: [{ metadata: { name: 'v1' } }, { metadata: { name: 'v2' } }] },
    };
    const out = smp('apps/v1', 'StatefulSet', doc, {
      spec: { volumeClaimTemplates: [{ metadata: { name: 'v3' } }] },
    });
    assert.deepEqual(out, { spec: { volumeClaimTemplates: [{ metadata: { name: 'v3' } }] } });
  });
  it('merges status conditions by type, replaces containerStatuses, merges podIPs by ip', () => {
    const doc = {
      status: {
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
        podIPs: [{ ip: '10.0.0.1' }],
        containerStatuses: [
          { name: 'c', ready: false },
          { name: 'd', ready: true },
        ],
      },
    };
    const out = smp('v1', 'Pod', doc, {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Initialized', status: 'True' },
        ],
        podIPs: [{ ip: 'fd00::1' }],
        containerStatuses: [{ name: 'c', ready: true }],
      },
    });
    assert.deepEqual(out, {
      status: {
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'True' },
          { type: 'Initialized', status: 'True' },
        ],
        podIPs: [{ ip: 'fd00::1' }, { ip: '10.0.0.1' }],
        containerStatuses: [{ name: 'c', ready: true }],
      },
    });
  });
  it('merges Node addresses by type and podCIDRs as a set, replaces taints', () => {
    const doc = {
      spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] },
      status: {
        addresses: [
          { type: 'InternalIP', address: '1.1.1.1' },
          { type: 'Hostname', address: 'n' },
        ],
      },
    };
    const out = smp('v1', 'Node', doc, {
      spec: { taints: [{ key: 'b', effect: 'NoExecute' }], podCIDRs: ['fd00::/64'] },
      status: { addresses: [{ type: 'InternalIP', address: '2.2.2.2' }] },
    });
    assert.deepEqual(out, {
      spec: { podCIDRs: ['fd00::/64', '10.0.0.0/24'], taints: [{ key: 'b', effect: 'NoExecute' }] },
      status: {
        addresses: [
          { type: 'InternalIP', address: '2.2.2.2' },
          { type: 'Hostname', address: 'n' },
        ],
      },
    });
  });
  it('replaces a PodDisruptionBudget selector whole', () => {
    const doc = { spec: { minAvailable: 1, selector: { matchLabels: { a: '1' } } } };
    const out = smp('policy/v1', 'PodDisruptionBudget', doc, {
      spec: { selector: { matchLabels: { b: '2' } } },
    });
    assert.deepEqual(out, { spec: { minAvailable: 1, selector: { matchLabels: { b: '2' } } } });
  });
  it('replaces RBAC rules and Endpoints subsets whole', () => {
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }];
    const role = smp(
      'rbac.authorization.k8s.io/v1',
      'Role',
      { rules: [{ verbs: ['get'] }, { verbs: ['watch'] }] },
      { rules },
    );
    assert.deepEqual(role, { rules });
    const subsets = [{ addresses: [{ ip: '2.2.2.2' }] }];
    assert.deepEqual(smp('v1', 'Endpoints', { subsets: [{ addresses: [{ ip: '1.1.1.1' }] }] }, { subsets }), {
      subsets,
    });
  });
  it('merges webhooks and their matchConditions by name', () => {
    const doc = {
      webhooks: [{ name: 'w', sideEffects: 'None', matchConditions: [{ name: 'm1', expression: 'true' }] }],
    };
    const out = smp('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', doc, {
      webhooks: [{ name: 'w', matchConditions: [{ name: 'm2', expression: 'false' }] }],
    });
    assert.deepEqual(out, {
      webhooks: [
        {
          name: 'w',
          sideEffects: 'None',
          matchConditions: [
            { name: 'm2', expression: 'false' },
            { name: 'm1', expression: 'true' },
          ],
        },
      ],
    });
  });
});
