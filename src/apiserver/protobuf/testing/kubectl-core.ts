/**
 * Request bodies captured from kubectl 1.32 for core/v1, apps/v1 and batch/v1 kinds, each with
 * the object the same command prints with `--dry-run=client -o json` (null values left out).
 * Test data only.
 */
import type { CapturedBody } from './captured.js';

export const CORE_BODIES: readonly CapturedBody[] = [
  {
    command: 'kubectl create namespace p1',
    body: ['azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhoKEgoCcDESABoAIgAqADIAOABCABIAGgIKABoAIgA='].join(''),
    json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'p1' }, spec: {}, status: {} },
  },
  {
    command: 'kubectl create configmap c1 --from-literal=a=1 --from-file=bin=bin.dat -n p1',
    body: [
      'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEioKFAoCYzESABoCcDEiACoAMgA4AEIAEgYKAWESATEaCgoDYmluEgMAAf8aACIA',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'p1' },
      data: { a: '1' },
      binaryData: { bin: 'AAH/' },
    },
  },
  {
    command: 'kubectl create secret generic s1 --from-literal=k=v',
    body: ['azhzAAoMCgJ2MRIGU2VjcmV0Eh4KEgoCczESABoAIgAqADIAOABCABIGCgFrEgF2GgAaACIA'].join(''),
    json: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { k: 'dg==' } },
  },
  {
    command:
      'kubectl create secret docker-registry dr1 --docker-server=r.io --docker-username=u --docker-password=p',
    body: [
      'azhzAAoMCgJ2MRIGU2VjcmV0EowBChMKA2RyMRIAGgAiACoAMgA4AEIAElUKES5kb2NrZXJjb25maWdqc29uEkB7ImF1dGhz',
      'Ijp7InIuaW8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19Gh5rdWJlcm5ldGVzLmlv',
      'L2RvY2tlcmNvbmZpZ2pzb24aACIA',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'dr1' },
      data: {
        '.dockerconfigjson':
          'eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ==',
      },
      type: 'kubernetes.io/dockerconfigjson',
    },
  },
  {
    command: 'kubectl create deployment d1 --image=busybox:1.36 --replicas=3 --port=80',
    body: [
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50Er0BCh0KAmQxEgAaACIAKgAyADgAQgBaCQoDYXBwEgJkMRKNAQgDEgsKCQoD',
      'YXBwEgJkMRp0ChsKABIAGgAiACoAMgA4AEIAWgkKA2FwcBICZDESVRI3CgdidXN5Ym94EgxidXN5Ym94OjEuMzYqADIKCgAQ',
      'ABhQIgAqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAo',
      'ADgAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd1', labels: { app: 'd1' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'd1' } },
        template: {
          metadata: { labels: { app: 'd1' } },
          spec: {
            containers: [
              { name: 'busybox', image: 'busybox:1.36', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    command: 'kubectl create deployment d0 --image=busybox:1.36 --replicas=0',
    body: [
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50ErEBCh0KAmQwEgAaACIAKgAyADgAQgBaCQoDYXBwEgJkMBKBAQgAEgsKCQoD',
      'YXBwEgJkMBpoChsKABIAGgAiACoAMgA4AEIAWgkKA2FwcBICZDASSRIrCgdidXN5Ym94EgxidXN5Ym94OjEuMzYqAEIAagBy',
      'AIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd0', labels: { app: 'd0' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd0' } },
        template: {
          metadata: { labels: { app: 'd0' } },
          spec: { containers: [{ name: 'busybox', image: 'busybox:1.36', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    command: 'kubectl create service clusterip c1 --tcp=80:8080',
    body: [
      'azhzAAoNCgJ2MRIHU2VydmljZRJmCh0KAmMxEgAaACIAKgAyADgAQgBaCQoDYXBwEgJjMRJBChsKBzgwLTgwODASA1RDUBhQ',
      'IgcIABCQPxoAKAASCQoDYXBwEgJjMRoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'c1', labels: { app: 'c1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'c1' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    command: 'kubectl create service clusterip hl --clusterip=None',
    body: [
      'azhzAAoNCgJ2MRIHU2VydmljZRJNCh0KAmhsEgAaACIAKgAyADgAQgBaCQoDYXBwEgJobBIoEgkKA2FwcBICaGwaBE5vbmUi',
      'CUNsdXN0ZXJJUDoAQgBSAFoAYABoABoCCgAaACIA',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'hl', labels: { app: 'hl' } },
      spec: { selector: { app: 'hl' }, clusterIP: 'None', type: 'ClusterIP' },
      status: { loadBalancer: {} },
    },
  },
  {
    command: 'kubectl create service nodeport n1 --tcp=80:8080 --node-port=30080',
    body: [
      'azhzAAoNCgJ2MRIHU2VydmljZRJnCh0KAm4xEgAaACIAKgAyADgAQgBaCQoDYXBwEgJuMRJCCh0KBzgwLTgwODASA1RDUBhQ',
      'IgcIABCQPxoAKIDrARIJCgNhcHASAm4xGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'n1', labels: { app: 'n1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
        selector: { app: 'n1' },
        type: 'NodePort',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    command: 'kubectl create service loadbalancer lb1 --tcp=80:8080',
    body: [
      'azhzAAoNCgJ2MRIHU2VydmljZRJsCh8KA2xiMRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDbGIxEkUKGwoHODAtODA4MBIDVENQ',
      'GFAiBwgAEJA/GgAoABIKCgNhcHASA2xiMRoAIgxMb2FkQmFsYW5jZXI6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb1', labels: { app: 'lb1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'lb1' },
        type: 'LoadBalancer',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    command: 'kubectl create service externalname en1 --external-name=foo.com',
    body: [
      'azhzAAoNCgJ2MRIHU2VydmljZRJWCh8KA2VuMRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDZW4xEi8SCgoDYXBwEgNlbjEaACIM',
      'RXh0ZXJuYWxOYW1lOgBCAFIHZm9vLmNvbVoAYABoABoCCgAaACIA',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'en1', labels: { app: 'en1' } },
      spec: { selector: { app: 'en1' }, type: 'ExternalName', externalName: 'foo.com' },
      status: { loadBalancer: {} },
    },
  },
  {
    command: 'kubectl create job j1 --image=busybox -- echo hi',
    body: [
      'azhzAAoPCghiYXRjaC92MRIDSm9iEoQBChIKAmoxEgAaACIAKgAyADgAQgASZDJiChAKABIAGgAiACoAMgA4AEIAEk4SKwoC',
      'ajESB2J1c3lib3gaBGVjaG8aAmhpKgBCAGoAcgCAAQCIAQCQAQCiAQAaBU5ldmVyMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDC',
      'AQAaCCAAKAAwADoAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j1' },
      spec: {
        template: {
          metadata: {},
          spec: {
            containers: [{ name: 'j1', image: 'busybox', command: ['echo', 'hi'], resources: {} }],
            restartPolicy: 'Never',
          },
        },
      },
      status: {},
    },
  },
  {
    command: 'kubectl create job jj --from=cronjob/cj2',
    body: [
      'azhzAAoPCghiYXRjaC92MRIDSm9iEtcCCoEBCgJqahIAGgAiACoAMgA4AEIAYisKIWNyb25qb2Iua3ViZXJuZXRlcy5pby9p',
      'bnN0YW50aWF0ZRIGbWFudWFsakAKB0Nyb25Kb2IaA2NqMiIkZmM2ZWM1YTItZGMyYi00MDhjLWFlOGMtZjA1MWRmMDNjNGI5',
      'KghiYXRjaC92MTABEsYBCAEQATKaAQoQCgASABoAIgAqADIAOABCABKFARI6CgNjajISAXgqAEIAahQvZGV2L3Rlcm1pbmF0',
      'aW9uLWxvZ3IGQWx3YXlzgAEAiAEAkAEAogEERmlsZRoJT25GYWlsdXJlIB4yDENsdXN0ZXJGaXJzdEIASgBSAFgAYABoAHIA',
      'ggEAigEAmgERZGVmYXVsdC1zY2hlZHVsZXLCAQDwAQE4BkoKTm9uSW5kZXhlZFAAchNUZXJtaW5hdGluZ09yRmFpbGVkGggg',
      'ACgAMAA6ABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'jj',
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [
          {
            kind: 'CronJob',
            name: 'cj2',
            uid: 'fc6ec5a2-dc2b-408c-ae8c-f051df03c4b9',
            apiVersion: 'batch/v1',
            controller: true,
          },
        ],
      },
      spec: {
        parallelism: 1,
        completions: 1,
        template: {
          metadata: {},
          spec: {
            containers: [
              {
                name: 'cj2',
                image: 'x',
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                imagePullPolicy: 'Always',
                terminationMessagePolicy: 'File',
              },
            ],
            restartPolicy: 'OnFailure',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            securityContext: {},
            schedulerName: 'default-scheduler',
            enableServiceLinks: true,
          },
        },
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
      },
      status: {},
    },
  },
  {
    command: "kubectl create cronjob cj1 --image=busybox --schedule='*/5 * * * *' -- date",
    body: [
      'azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhKnAQoTCgNjajESABoAIgAqADIAOABCABKNAQoLKi81ICogKiAqICoaACp8ChMK',
      'A2NqMRIAGgAiACoAMgA4AEIAEmUyYwoQCgASABoAIgAqADIAOABCABJPEigKA2NqMRIHYnVzeWJveBoEZGF0ZSoAQgBqAHIA',
      'gAEAiAEAkAEAogEAGglPbkZhaWx1cmUyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj1' },
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: {
          metadata: { name: 'cj1' },
          spec: {
            template: {
              metadata: {},
              spec: {
                containers: [{ name: 'cj1', image: 'busybox', command: ['date'], resources: {} }],
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
      },
      status: {},
    },
  },
];
