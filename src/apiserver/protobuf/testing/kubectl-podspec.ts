/**
 * A Job body captured from kubectl 1.32's `create job --from=cronjob/rich`, where the CronJob's
 * pod template sets most PodSpec fields (init and main containers, probes, lifecycle hooks,
 * env sources, resources, security contexts, affinity, tolerations, topology spread, DNS and
 * ten kinds of volume), so kubectl's own encoder writes the whole PodSpec tree. With it, the
 * object the same command prints with `--dry-run=client -o json` (null values left out).
 * Test data only.
 */
import type { CapturedBody } from './captured.js';

export const PODSPEC_BODIES: readonly CapturedBody[] = [
  {
    command: 'kubectl create job richjob --from=cronjob/rich',
    body: [
      'azhzAAoPCghiYXRjaC92MRIDSm9iEo8PCpYBCgdyaWNoam9iEgAaACIAKgAyADgAQgBaDQoEdGllchIFYmF0Y2hiKwohY3Jv',
      'bmpvYi5rdWJlcm5ldGVzLmlvL2luc3RhbnRpYXRlEgZtYW51YWxqQQoHQ3JvbkpvYhoEcmljaCIkOTk0ZmM4MWQtMTI1OS00',
      'ZGU0LWFkNDMtYzk4NjRlNGFjZDYwKghiYXRjaC92MTABEukNCAEQARjYBDL1DAolCgASABoAIgAqADIAOABCAFoLCgNhcHAS',
      'BHJpY2hiBgoBYRIBYhLLDAogCgNjZmcSGZoBFgoECgJjbRIJCgFrEgFwGIACGKQDIAAKHQoHc2NyYXRjaBISEhAKBk1lbW9y',
      'eRIGCgQ2NE1pCg4KA3NlYxIHMgUKAXMYAAofCgRob3N0EhcKFQoIL3Zhci9sb2cSCURpcmVjdG9yeQpOCgRwcm9qEkbSAUMK',
      'ESIPCgNhcGkQkBwaBXRva2VuCiESHwodCgZsYWJlbHMSEwoAEg9tZXRhZGF0YS5sYWJlbHMKCBoGCgQKAmNtEKQDChEKA3B2',
      'YxIKUggKBGRhdGEQAQpPCgNlcGgSSOoBRQpDChgKABIAGgAiACoAMgA4AEIAWgYKAXgSAXkSJwoNUmVhZFdyaXRlT25jZRIS',
      'EhAKB3N0b3JhZ2USBQoDMUdpGgAqAAogCgNuZnMSGToXCgluZnMubG9jYWwSCC9leHBvcnRzGAAKJQoDY3NpEh7iARsKD2Nz',
      'aS5leGFtcGxlLmNvbRABIgYKAWESAWISsgUKBG1haW4SDGJ1c3lib3g6MS4zNhoCc2gaAi1jIhBlY2hvICQoUE9EX05BTUUp',
      'KgQvdG1wMhIKBGh0dHAQABiQPyIDVENQKgAyFwoAEOkpGDUiA1VEUCoJMTI3LjAuMC4xOgkKBUVNUFRZEgA6CgoFUExBSU4S',
      'AXg6IwoIUE9EX05BTUUSABoVChMKAnYxEg1tZXRhZGF0YS5uYW1lOicKA01FTRIAGh4SHAoEbWFpbhINbGltaXRzLm1lbW9y',
      'eRoFCgMxTWk6FQoCQ00SABoNGgsKBAoCY20SAWsYAToTCgNTRUMSABoKIggKAwoBcxIBa0JcCg0KA2NwdRIGCgQ1MDBtChoK',
      'EWVwaGVtZXJhbC1zdG9yYWdlEgUKAzFHaQoRCgZtZW1vcnkSBwoFMTI4TWkSCgoDY3B1EgMKATASEAoGbWVtb3J5EgYKBDY0',
      'TWlKFQoDY2ZnEAEaCC9ldGMvY2ZnIgAyAEogCgdzY3JhdGNoEAAaCC9zY3JhdGNoIgF4KgROb25lMgBSNAooEiYKCC9oZWFs',
      'dGh6EgoIARAAGgRodHRwGgAiBEhUVFAqBgoBWBIBeRAAGAEgCigBMANaGQoNGgsKBwgAEJA/GgASABAAGAIgCigBMANiIQoZ',
      'EhcKABIGCAAQUBoAGglsb2NhbGhvc3QiABIEIgIIBWoUL2Rldi90ZXJtaW5hdGlvbi1sb2dyDElmTm90UHJlc2VudHowChAK',
      'CU5FVF9BRE1JThIDQUxMEAAg6AcwATgAWhMKCUxvY2FsaG9zdBIGcC5qc29ugAEBiAEAkAEBmgEMCgJQXxIGCgQKAmNtmgEL',
      'CgAaBwoDCgFzEACiARVGYWxsYmFja1RvTG9nc09uRXJyb3KyAR4KEAoOCgNjYXQKBy90bXAvb2sQABgBIAooATADOAAaBU5l',
      'dmVyIAAyBE5vbmU6CwoEZGlzaxIDc3NkQgdkZWZhdWx0SgBSAFgAYABoAHJKCg0KABIAGgAiBXMwOmMxEAAYACABIAIgAyjQ',
      'DzoaChJuZXQuY29yZS5zb21heGNvbm4SBDEwMjRSEAoOUnVudGltZURlZmF1bHR6CQoHcmVnY3JlZIIBAIoBAJIBdgo4ChQK',
      'EgoQCgR6b25lEgJJbhoBYRoBYhIgCAESHBIaCg1tZXRhZGF0YS5uYW1lEgVOb3RJbhoCbjEaOhI4CGQSNAoREg8KA2FwcBIC',
      'SW4aBHJpY2gSB2RlZmF1bHQaFmt1YmVybmV0ZXMuaW8vaG9zdG5hbWWaARFkZWZhdWx0LXNjaGVkdWxlcqIBWAoEaW5pdBIH',
      'YnVzeWJveBoCc2gaAi1jGgR0cnVlKgBCAGoUL2Rldi90ZXJtaW5hdGlvbi1sb2dyBkFsd2F5c4ABAIgBAJABAKIBBEZpbGXC',
      'AQZBbHdheXOoAQCyARkKAWsSBUVxdWFsGgF2IgpOb1NjaGVkdWxlsgEZCgASBkV4aXN0cxoAIglOb0V4ZWN1dGUoALoBFAoI',
      'MTAuMC4wLjESA2ZvbxIDYmFywgEAyAEA0gEnCgcxLjEuMS4xEgdhLmxvY2FsGgoKBW5kb3RzEgEyGgcKBWVkbnMw2AEB8AEA',
      'igIoCAESBHpvbmUaDURvTm90U2NoZWR1bGUiDQoLCgNhcHASBHJpY2goATgAQABKCk5vbkluZGV4ZWRQAFpBChsKB0ZhaWxK',
      'b2ISEAoEbWFpbhICSW4YARgCGCoKIgoGSWdub3JlGhgKEERpc3J1cHRpb25UYXJnZXQSBFRydWVyE1Rlcm1pbmF0aW5nT3JG',
      'YWlsZWQaCCAAKAAwADoAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'richjob',
        labels: { tier: 'batch' },
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [
          {
            kind: 'CronJob',
            name: 'rich',
            uid: '994fc81d-1259-4de4-ad43-c9864e4acd60',
            apiVersion: 'batch/v1',
            controller: true,
          },
        ],
      },
      spec: {
        parallelism: 1,
        completions: 1,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: { app: 'rich' }, annotations: { a: 'b' } },
          spec: {
            volumes: [
              {
                name: 'cfg',
                configMap: {
                  name: 'cm',
                  items: [{ key: 'k', path: 'p', mode: 256 }],
                  defaultMode: 420,
                  optional: false,
                },
              },
              { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              { name: 'sec', secret: { secretName: 's', defaultMode: 0 } },
              { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
              {
                name: 'proj',
                projected: {
                  sources: [
                    { serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } },
                    {
                      downwardAPI: {
                        items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }],
                      },
                    },
                    { configMap: { name: 'cm' } },
                  ],
                  defaultMode: 420,
                },
              },
              { name: 'pvc', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
              {
                name: 'eph',
                ephemeral: {
                  volumeClaimTemplate: {
                    metadata: { labels: { x: 'y' } },
                    spec: {
                      accessModes: ['ReadWriteOnce'],
                      resources: { requests: { storage: '1Gi' } },
                      storageClassName: '',
                    },
                  },
                },
              },
              { name: 'nfs', nfs: { server: 'nfs.local', path: '/exports' } },
              {
                name: 'csi',
                csi: { driver: 'csi.example.com', readOnly: true, volumeAttributes: { a: 'b' } },
              },
            ],
            containers: [
              {
                name: 'main',
                image: 'busybox:1.36',
                command: ['sh', '-c'],
                args: ['echo $(POD_NAME)'],
                workingDir: '/tmp',
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { hostPort: 5353, containerPort: 53, protocol: 'UDP', hostIP: '127.0.0.1' },
                ],
                env: [
                  { name: 'EMPTY' },
                  { name: 'PLAIN', value: 'x' },
                  {
                    name: 'POD_NAME',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
                  },
                  {
                    name: 'MEM',
                    valueFrom: {
                      resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' },
                    },
                  },
                  { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
                  { name: 'SEC', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
                ],
                resources: {
                  limits: { cpu: '500m', 'ephemeral-storage': '1Gi', memory: '128Mi' },
                  requests: { cpu: '0', memory: '64Mi' },
                },
                volumeMounts: [
                  { name: 'cfg', readOnly: true, mountPath: '/etc/cfg' },
                  { name: 'scratch', mountPath: '/scratch', subPath: 'x', mountPropagation: 'None' },
                ],
                livenessProbe: {
                  httpGet: {
                    path: '/healthz',
                    port: 'http',
                    scheme: 'HTTP',
                    httpHeaders: [{ name: 'X', value: 'y' }],
                  },
                  timeoutSeconds: 1,
                  periodSeconds: 10,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  tcpSocket: { port: 8080 },
                  timeoutSeconds: 2,
                  periodSeconds: 10,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                lifecycle: {
                  postStart: { httpGet: { port: 80, host: 'localhost' } },
                  preStop: { sleep: { seconds: 5 } },
                },
                terminationMessagePath: '/dev/termination-log',
                imagePullPolicy: 'IfNotPresent',
                securityContext: {
                  capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
                  privileged: false,
                  runAsUser: 1000,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
                },
                stdin: true,
                tty: true,
                envFrom: [
                  { prefix: 'P_', configMapRef: { name: 'cm' } },
                  { secretRef: { name: 's', optional: false } },
                ],
                terminationMessagePolicy: 'FallbackToLogsOnError',
                startupProbe: {
                  exec: { command: ['cat', '/tmp/ok'] },
                  timeoutSeconds: 1,
                  periodSeconds: 10,
                  successThreshold: 1,
                  failureThreshold: 3,
                  terminationGracePeriodSeconds: 0,
                },
              },
            ],
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            dnsPolicy: 'None',
            nodeSelector: { disk: 'ssd' },
            serviceAccountName: 'default',
            securityContext: {
              seLinuxOptions: { level: 's0:c1' },
              runAsUser: 0,
              runAsNonRoot: false,
              supplementalGroups: [1, 2, 3],
              fsGroup: 2000,
              sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
              seccompProfile: { type: 'RuntimeDefault' },
            },
            imagePullSecrets: [{ name: 'regcred' }],
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
                    preference: {
                      matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }],
                    },
                  },
                ],
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['rich'] }] },
                      namespaces: ['default'],
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  },
                ],
              },
            },
            schedulerName: 'default-scheduler',
            initContainers: [
              {
                name: 'init',
                image: 'busybox',
                command: ['sh', '-c', 'true'],
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                imagePullPolicy: 'Always',
                terminationMessagePolicy: 'File',
                restartPolicy: 'Always',
              },
            ],
            automountServiceAccountToken: false,
            tolerations: [
              { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
            ],
            hostAliases: [{ ip: '10.0.0.1', hostnames: ['foo', 'bar'] }],
            priority: 0,
            dnsConfig: {
              nameservers: ['1.1.1.1'],
              searches: ['a.local'],
              options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
            },
            shareProcessNamespace: true,
            enableServiceLinks: false,
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { app: 'rich' } },
                minDomains: 1,
              },
            ],
          },
        },
        backoffLimit: 0,
        ttlSecondsAfterFinished: 0,
        completionMode: 'NonIndexed',
        suspend: false,
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [1, 2, 42] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          ],
        },
        podReplacementPolicy: 'TerminatingOrFailed',
      },
      status: {},
    },
  },
];
