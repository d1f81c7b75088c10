import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from './envelope.js';
import { isProtobufDecodeError, type ProtobufProblem } from './errors.js';
import {
  bool,
  bytes,
  bytesMap,
  concat,
  envelope,
  int,
  intOrString,
  msg,
  quantity,
  str,
  strMap,
  time,
} from './testing/encode.js';

const problem = (p: ProtobufProblem, text?: RegExp) => (err: unknown) =>
  isProtobufDecodeError(err) && err.problem === p && (text === undefined || text.test(err.message));
const utf8 = (s: string) => new TextEncoder().encode(s);
/** ObjectMeta as Go writes it: every string present, empty or not, and an empty creationTimestamp. */
const meta = (name: string, ...more: Uint8Array[]) =>
  msg(
    1,
    str(1, name),
    str(2, ''),
    str(3, ''),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    msg(8),
    ...more,
  );

describe('the k8s protobuf envelope', () => {
  it('takes apiVersion and kind from typeMeta', () => {
    const got = decodeKubernetesProtobuf(envelope('v1', 'Namespace', concat(meta('p1'), msg(2), msg(3))));
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'p1' },
      spec: {},
      status: {},
    });
  });

  it('rejects a body without the magic bytes', () => {
    for (const b of [new Uint8Array(), utf8('k8s'), utf8('{"kind":"Pod"}')]) {
      assert.throws(() => decodeKubernetesProtobuf(b), problem('malformed', /magic/));
    }
  });

  it('answers an unknown kind as unsupported, naming kind and version', () => {
    assert.throws(
      () => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', new Uint8Array())),
      problem('unsupported', /^no kind "Widget" is registered for version "example.com\/v1"$/),
    );
    assert.throws(
      () => decodeKubernetesProtobuf(envelope('v1', '__proto__', new Uint8Array())),
      problem('unsupported'),
    );
  });

  it('rejects an envelope without a kind, and unknown encodings', () => {
    assert.throws(() => decodeKubernetesProtobuf(envelope('v1', '', new Uint8Array())), problem('malformed'));
    const gz = envelope('v1', 'Namespace', new Uint8Array(), [str(3, 'gzip')]);
    assert.throws(() => decodeKubernetesProtobuf(gz), problem('unsupported', /gzip/));
    const cbor = envelope('v1', 'Namespace', new Uint8Array(), [str(4, 'application/cbor')]);
    assert.throws(() => decodeKubernetesProtobuf(cbor), problem('unsupported', /cbor/));
  });

  it('accepts JSON inside the envelope when contentType says so', () => {
    const body = envelope('v1', 'ConfigMap', utf8('{"data":{"a":"1"},"kind":"Other"}'), [
      str(4, 'application/json'),
    ]);
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { a: '1' },
    });
    const bad = envelope('v1', 'ConfigMap', utf8('{'), [str(4, 'application/json')]);
    assert.throws(() => decodeKubernetesProtobuf(bad), problem('malformed'));
  });

  it('decodes Secret data and ConfigMap binaryData as base64, ConfigMap data as text', () => {
    const secret = decodeKubernetesProtobuf(
      envelope(
        'v1',
        'Secret',
        concat(meta('s1'), bytesMap(2, { k: utf8('v'), empty: new Uint8Array() }), str(3, 'Opaque')),
      ),
    );
    assert.deepEqual(secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1' },
      data: { k: 'dg==', empty: '' },
      type: 'Opaque',
    });
    const cm = decodeKubernetesProtobuf(
      envelope(
        'v1',
        'ConfigMap',
        concat(meta('c1'), strMap(2, { a: '1' }), bytesMap(3, { b: Uint8Array.of(0, 255) }), bool(4, false)),
      ),
    );
    assert.deepEqual(cm, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1' },
      data: { a: '1' },
      binaryData: { b: 'AP8=' },
      immutable: false,
    });
  });

  it('decodes a TokenRequest', () => {
    const spec = msg(
      2,
      str(1, 'api'),
      msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'p1'), str(4, 'u1')),
      int(4, 3600),
    );
    const got = decodeKubernetesProtobuf(
      envelope(
        'authentication.k8s.io/v1',
        'TokenRequest',
        concat(meta(''), spec, msg(3, str(1, ''), msg(2))),
      ),
    );
    assert.deepEqual(got, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: {
        audiences: ['api'],
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'u1' },
        expirationSeconds: 3600,
      },
      status: { token: '' },
    });
  });

  it('decodes a Pod through the whole PodSpec tree', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
    const container = msg(
      2,
      str(1, 'main'),
      str(2, 'busybox:1.36'),
      str(3, 'sh'),
      str(4, '-c'),
      msg(6, str(1, 'http'), int(3, 8080), str(4, 'TCP')),
      msg(7, str(1, 'A'), str(2, '1')),
      msg(7, str(1, 'NODE'), msg(3, msg(1, str(2, 'spec.nodeName')))),
      msg(7, str(1, 'S'), msg(3, msg(4, msg(1, str(1, 'sec')), str(2, 'k'), bool(3, true)))),
      msg(8, msg(1, str(1, 'cpu'), quantity(2, '500m')), msg(2, str(1, 'memory'), quantity(2, '64Mi'))),
      msg(9, str(1, 'cfg'), bool(2, true), str(3, '/etc/cfg')),
      msg(10, msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'))), int(2, 0), int(4, 10)),
      msg(11, msg(1, msg(3, intOrString(1, 8080)))),
      msg(22, msg(1, msg(1, str(1, 'cat'), str(1, '/ok')))),
      msg(12, msg(2, msg(4, int(1, 5)))),
      msg(15, msg(1, str(1, 'NET_ADMIN'), str(2, 'ALL')), bool(2, false), int(4, 1000)),
      str(14, 'IfNotPresent'),
    );
    const spec = msg(
      2,
      msg(
        1,
        str(1, 'cfg'),
        msg(2, msg(19, msg(1, str(1, 'cm')), msg(2, str(1, 'k'), str(2, 'p')), int(3, 420))),
      ),
      msg(1, str(1, 'tmp'), msg(2, msg(2, str(1, 'Memory'), quantity(2, '1Gi')))),
      container,
      str(3, 'Never'),
      int(4, 0),
      str(6, ''),
      strMap(7, { disk: 'ssd' }),
      bool(11, false),
      msg(14, int(2, 0), bool(3, true), int(4, 1), int(4, 2), msg(10, str(1, 'RuntimeDefault'))),
      msg(
        18,
        msg(
          1,
          msg(1, msg(1, msg(1, str(1, 'zone'), str(2, 'In'), str(3, 'a'), str(3, 'b')))),
          msg(2, int(1, 1), msg(2, msg(2, str(1, 'metadata.name'), str(2, 'NotIn'), str(3, 'n1')))),
        ),
      ),
      msg(22, str(1, 'k'), str(2, 'Equal'), str(3, 'v'), str(4, 'NoSchedule')),
      msg(22, str(2, 'Exists'), int(5, 0)),
      msg(33, int(1, 1), str(2, 'zone'), str(3, 'DoNotSchedule'), msg(4, strMap(1, { app: 'x' }))),
    );
    const status = msg(3, str(1, 'Pending'), time(7, t), str(3, ''));
    const got = decodeKubernetesProtobuf(
      envelope('v1', 'Pod', concat(meta('p1', strMap(11, { run: 'p1' })), spec, status)),
    );
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', labels: { run: 'p1' } },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }], defaultMode: 420 } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        ],
        containers: [
          {
            name: 'main',
            image: 'busybox:1.36',
            command: ['sh'],
            args: ['-c'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [
              { name: 'A', value: '1' },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'S', valueFrom: { secretKeyRef: { name: 'sec', key: 'k', optional: true } } },
            ],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 8080 } },
            startupProbe: { exec: { command: ['cat', '/ok'] } },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            securityContext: {
              capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
              privileged: false,
              runAsUser: 1000,
            },
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        nodeSelector: { disk: 'ssd' },
        securityContext: {
          runAsUser: 0,
          runAsNonRoot: true,
          supplementalGroups: [1, 2],
          seccompProfile: { type: 'RuntimeDefault' },
        },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
              ],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 1,
                preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] },
              },
            ],
          },
        },
        tolerations: [
          { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
          { operator: 'Exists', tolerationSeconds: 0 },
        ],
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'zone',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'x' } },
          },
        ],
      },
      status: { phase: 'Pending', startTime: '2026-01-02T03:04:05Z' },
    });
  });

  it('decodes a nested object in a RawExtension through the envelope again', () => {
    // ManagedFieldsEntry.fieldsV1 is a RawExtension; a nested envelope there decodes as an object.
    const inner = envelope('v1', 'Namespace', meta('inner'));
    const got = decodeKubernetesProtobuf(
      envelope('v1', 'Namespace', meta('outer', msg(17, msg(7, bytes(1, inner))))),
    );
    assert.deepEqual(got.metadata, {
      name: 'outer',
      managedFields: [{ fieldsV1: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inner' } } }],
    });
  });

  it('never throws anything but a decode error on random bytes', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      const body = new Uint8Array(4 + (next() % 200));
      body.set([0x6b, 0x38, 0x73, 0x00]);
      for (let i = 4; i < body.length; i++) body[i] = next() & 0xff;
      if (round % 2 === 0) {
        // Half the rounds wrap the noise in a valid envelope so it reaches the message decoder.
        const kinds: [string, string][] = [
          ['v1', 'Pod'],
          ['apps/v1', 'Deployment'],
          ['v1', 'Secret'],
        ];
        const [v, k] = kinds[round % 3]!;
        const raw = body.subarray(4);
        try {
          decodeKubernetesProtobuf(envelope(v, k, raw));
        } catch (err) {
          assert.ok(isProtobufDecodeError(err), String(err));
        }
        continue;
      }
      try {
        decodeKubernetesProtobuf(body);
      } catch (err) {
        assert.ok(isProtobufDecodeError(err), String(err));
      }
    }
  });
});
